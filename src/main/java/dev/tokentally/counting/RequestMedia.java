package dev.tokentally.counting;

import dev.tokentally.errors.RejectedException;
import dev.tokentally.media.ImageSize;
import dev.tokentally.media.PdfDocument;
import java.util.Base64;

/**
 * Reads the media embedded in a request (base64 images and PDFs), turning data that is not what it
 * claims into the request's own error, with the same message for both vendors.
 */
final class RequestMedia {
  private RequestMedia() {}

  /** Standard-alphabet base64, as Anthropic takes it; line breaks and missing padding are fine. */
  static byte[] decode(String data, String path) {
    if (data.indexOf('-') >= 0 || data.indexOf('_') >= 0) {
      throw RejectedException.invalidAt(
          path, "data is not valid base64: it uses the URL-safe alphabet (- and _)");
    }
    return mime(data, path);
  }

  /**
   * Base64 in either alphabet: Google's JSON mapping of {@code bytes} accepts standard and URL-safe
   * base64, and the Python Gen AI SDK sends the URL-safe one.
   */
  static byte[] decodeEitherAlphabet(String data, String path) {
    return mime(data.replace('-', '+').replace('_', '/'), path);
  }

  private static byte[] mime(String data, String path) {
    try {
      return Base64.getMimeDecoder().decode(data);
    } catch (IllegalArgumentException e) {
      throw RejectedException.invalidAt(path, "data is not valid base64: " + e.getMessage());
    }
  }

  static ImageSize image(byte[] data, String path) {
    return ImageSize.read(data)
        .orElseThrow(
            () ->
                RejectedException.invalidAt(
                    path, "image data is not a PNG, JPEG, GIF or WebP image"));
  }

  static PdfDocument pdf(byte[] data, String path) {
    return PdfDocument.read(data)
        .orElseThrow(
            () -> RejectedException.invalidAt(path, "document data is not a PDF with pages"));
  }
}
