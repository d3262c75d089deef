package dev.tokentally.counting;

import dev.tokentally.media.ImageSize;
import dev.tokentally.media.PdfDocument;
import java.util.Base64;

/**
 * Reads the media embedded in a request (base64 images and PDFs), turning data that is not what it
 * claims into the request's own error, with the same message for both vendors.
 */
final class RequestMedia {
  private RequestMedia() {}

  static byte[] decode(String data, String path) {
    try {
      return Base64.getMimeDecoder().decode(data);
    } catch (IllegalArgumentException e) {
      throw new InvalidRequestException(path, "data is not valid base64: " + e.getMessage());
    }
  }

  static ImageSize image(byte[] data, String path) {
    return ImageSize.read(data)
        .orElseThrow(
            () ->
                new InvalidRequestException(
                    path, "image data is not a PNG, JPEG, GIF or WebP image"));
  }

  static PdfDocument pdf(byte[] data, String path) {
    return PdfDocument.read(data)
        .orElseThrow(
            () -> new InvalidRequestException(path, "document data is not a PDF with pages"));
  }
}
