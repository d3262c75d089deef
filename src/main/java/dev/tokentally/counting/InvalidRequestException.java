package dev.tokentally.counting;

/**
 * Thrown while a request is walked for counting when a part of it is malformed in a way the vendor
 * would reject (an unknown block type, image data that is not an image). Carries the JSON path of
 * the offending part for the dead-letter record.
 */
public final class InvalidRequestException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String path;

  public InvalidRequestException(String path, String message) {
    super(message, null, false, false);
    this.path = path;
  }

  public String path() {
    return path;
  }
}
