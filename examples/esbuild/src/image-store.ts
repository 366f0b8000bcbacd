/** Where thumbnails go. `ImageStore` is the service key the generated registry asks for. */
export interface ImageStore {
  saveThumbnail(imageId: string, width: number): Promise<string>;
}

/** Keeps thumbnails in memory and reports each one. */
export class MemoryImageStore implements ImageStore {
  readonly saved: string[] = [];

  async saveThumbnail(imageId: string, width: number): Promise<string> {
    const path = `thumbnails/${imageId}-${width}w.webp`;
    this.saved.push(path);
    console.log(`  stored ${path}`);
    return path;
  }
}
