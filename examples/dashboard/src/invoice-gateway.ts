/**
 * A payment gateway that is down for some invoices the first time they are sent, and fine on the
 * next try: what an operator retries from the dashboard. Its error message carries the gateway's
 * HTML error page, as real ones do, which the dashboard must show as text.
 */
export class InvoiceGateway {
  private readonly failing: Set<string>;

  constructor(failOnceFor: Iterable<string>) {
    this.failing = new Set(failOnceFor);
  }

  send(invoiceId: string): void {
    if (this.failing.delete(invoiceId)) {
      throw new Error(
        `Gateway answered 502 for ${invoiceId}: <html><body><h1>502 Bad Gateway</h1><img src=x onerror="alert('gateway')"></body></html>`,
      );
    }
  }
}
