import { describe, expect, it } from "vitest";
import { escapeHtml, html, SafeHtml } from "../../src/html/html.js";

describe("the html template tag", () => {
  it("escapes every interpolated string, in text and in quoted attributes", () => {
    const name = `<b onclick="x">Tom & 'Jerry'</b>`;
    expect(html`<td title="${name}">${name}</td>`.text).toBe(
      '<td title="&lt;b onclick=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/b&gt;">&lt;b onclick=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/b&gt;</td>',
    );
  });

  it("inserts markup built by html as it is, lists joined, and nothing for null, undefined and false", () => {
    const items = ["<a>", "b"].map((item) => html`<li>${item}</li>`);
    expect(html`<ul>${items}</ul>${null}${undefined}${false}${0}`.text).toBe(
      "<ul><li>&lt;a&gt;</li><li>b</li></ul>0",
    );
  });

  it("treats a string that merely looks like markup as text: only SafeHtml objects pass through", () => {
    const forged = { text: "<script>x</script>" } as unknown as string;
    expect(html`${forged}`.text).not.toContain("<script>");
    expect(html`${new SafeHtml("<i>ok</i>")}`.text).toBe("<i>ok</i>");
  });

  it("escapeHtml leaves plain text alone", () => {
    expect(escapeHtml("emails.send 2026-01-01 12:00")).toBe("emails.send 2026-01-01 12:00");
  });
});
