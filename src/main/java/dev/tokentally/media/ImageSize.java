package dev.tokentally.media;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Width and height from the header of a PNG, JPEG, GIF or WebP file, without decoding pixels. The
 * vendors price images by size alone, so the header is all counting needs.
 */
public record ImageSize(int width, int height) {
  public ImageSize {
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException("image size must be positive: " + width + "x" + height);
    }
  }

  /**
   * The media type the data's signature says, or empty when it is not one of the four formats; used
   * to catch a {@code media_type} that does not match the data.
   */
  public static Optional<String> mediaType(byte[] b) {
    if (startsWith(b, 0x89, 'P', 'N', 'G')) {
      return Optional.of("image/png");
    }
    if (startsWith(b, 'G', 'I', 'F', '8')) {
      return Optional.of("image/gif");
    }
    if (startsWith(b, 'R', 'I', 'F', 'F') && b[8] == 'W' && b[9] == 'E' && b[10] == 'B') {
      return Optional.of("image/webp");
    }
    if (startsWith(b, 0xFF, 0xD8)) {
      return Optional.of("image/jpeg");
    }
    return Optional.empty();
  }

  public static Optional<ImageSize> read(byte[] b) {
    try {
      if (startsWith(b, 0x89, 'P', 'N', 'G')) {
        return of(u32be(b, 16), u32be(b, 20));
      }
      if (startsWith(b, 'G', 'I', 'F', '8')) {
        return of(u16le(b, 6), u16le(b, 8));
      }
      if (startsWith(b, 'R', 'I', 'F', 'F') && b[8] == 'W' && b[9] == 'E' && b[10] == 'B') {
        return webp(b);
      }
      if (startsWith(b, 0xFF, 0xD8)) {
        return jpeg(b);
      }
    } catch (ArrayIndexOutOfBoundsException truncated) {
      return Optional.empty();
    }
    return Optional.empty();
  }

  private static Optional<ImageSize> webp(byte[] b) {
    String chunk = new String(b, 12, 4, StandardCharsets.US_ASCII);
    return switch (chunk) {
      case "VP8 " -> of(u16le(b, 26) & 0x3FFF, u16le(b, 28) & 0x3FFF);
      case "VP8L" -> {
        int bits =
            (b[21] & 0xFF) | (b[22] & 0xFF) << 8 | (b[23] & 0xFF) << 16 | (b[24] & 0xFF) << 24;
        yield of((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1);
      }
      case "VP8X" -> of(u24le(b, 24) + 1, u24le(b, 27) + 1);
      default -> Optional.empty();
    };
  }

  private static Optional<ImageSize> jpeg(byte[] b) {
    int i = 2;
    while (i + 9 < b.length) {
      if ((b[i] & 0xFF) != 0xFF) {
        return Optional.empty();
      }
      int marker = b[i + 1] & 0xFF;
      if (marker == 0xFF) {
        i++; // fill byte
        continue;
      }
      if (marker == 0xD8 || (marker >= 0xD0 && marker <= 0xD7) || marker == 0x01) {
        i += 2;
        continue;
      }
      boolean startOfFrame =
          marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
      if (startOfFrame) {
        return of(u16be(b, i + 7), u16be(b, i + 5));
      }
      i += 2 + u16be(b, i + 2);
    }
    return Optional.empty();
  }

  private static Optional<ImageSize> of(long width, long height) {
    return width > 0 && height > 0 && width < 1 << 20 && height < 1 << 20
        ? Optional.of(new ImageSize((int) width, (int) height))
        : Optional.empty();
  }

  private static boolean startsWith(byte[] b, int... prefix) {
    if (b.length < 30) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if ((b[i] & 0xFF) != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  static long u32be(byte[] b, int i) {
    return (long) (b[i] & 0xFF) << 24
        | (b[i + 1] & 0xFF) << 16
        | (b[i + 2] & 0xFF) << 8
        | (b[i + 3] & 0xFF);
  }

  static int u16be(byte[] b, int i) {
    return (b[i] & 0xFF) << 8 | (b[i + 1] & 0xFF);
  }

  static int u16le(byte[] b, int i) {
    return (b[i] & 0xFF) | (b[i + 1] & 0xFF) << 8;
  }

  static int u24le(byte[] b, int i) {
    return (b[i] & 0xFF) | (b[i + 1] & 0xFF) << 8 | (b[i + 2] & 0xFF) << 16;
  }
}
