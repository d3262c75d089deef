package dev.tokentally.counting;

import java.util.Base64;

/** Decodes the base64 media of a request, turning bad data into the request's own error. */
final class Base64Data {
  private Base64Data() {}

  static byte[] decode(String data, String path) {
    try {
      return Base64.getMimeDecoder().decode(data);
    } catch (IllegalArgumentException e) {
      throw new InvalidRequestException(path, "data is not valid base64: " + e.getMessage());
    }
  }
}
