package dev.tokentally.media;

import java.util.Optional;

/**
 * Playing time of audio and video from container headers (WAV, MP3, FLAC, MP4/MOV), without
 * decoding. Gemini prices audio and video per second.
 */
public final class MediaDuration {
  private MediaDuration() {}

  public static Optional<Double> seconds(byte[] b) {
    try {
      if (b.length < 16) {
        return Optional.empty();
      }
      if (ascii(b, 0, "RIFF") && ascii(b, 8, "WAVE")) {
        return wav(b);
      }
      if (ascii(b, 0, "fLaC")) {
        return flac(b);
      }
      if (ascii(b, 4, "ftyp") || ascii(b, 4, "moov") || ascii(b, 4, "mdat")) {
        return mp4(b);
      }
      return mp3(b);
    } catch (ArrayIndexOutOfBoundsException truncated) {
      return Optional.empty();
    }
  }

  private static Optional<Double> wav(byte[] b) {
    long i = 12;
    long byteRate = 0;
    // Chunk sizes are unsigned 32-bit: in long arithmetic every chunk moves forward. Cast to int,
    // a size of 0xFFFFFFF8 moved by zero bytes and read the same chunk forever.
    while (i + 8 <= b.length) {
      int at = (int) i;
      long size = u32le(b, at + 4);
      if (ascii(b, at, "fmt ")) {
        byteRate = u32le(b, at + 16);
      } else if (ascii(b, at, "data") && byteRate > 0) {
        long data = Math.min(size, b.length - i - 8L);
        return Optional.of((double) data / byteRate);
      }
      i += 8 + size + (size & 1);
    }
    return Optional.empty();
  }

  private static Optional<Double> flac(byte[] b) {
    // STREAMINFO is the first metadata block: sample rate 20 bits, total samples 36 bits.
    int s = 8;
    long sampleRate =
        ((b[s + 10] & 0xFFL) << 12) | ((b[s + 11] & 0xFFL) << 4) | ((b[s + 12] & 0xF0L) >> 4);
    long total =
        ((b[s + 13] & 0x0FL) << 32)
            | ((b[s + 14] & 0xFFL) << 24)
            | ((b[s + 15] & 0xFFL) << 16)
            | ((b[s + 16] & 0xFFL) << 8)
            | (b[s + 17] & 0xFFL);
    return sampleRate > 0 && total > 0
        ? Optional.of((double) total / sampleRate)
        : Optional.empty();
  }

  private static Optional<Double> mp4(byte[] b) {
    for (int i = 0; i + 32 < b.length; i++) {
      if (ascii(b, i, "mvhd")) {
        int version = b[i + 4];
        long timescale = version == 1 ? u32be(b, i + 24) : u32be(b, i + 16);
        long duration =
            version == 1 ? (u32be(b, i + 28) << 32) | u32be(b, i + 32) : u32be(b, i + 20);
        // All ones is "unknown" (ISO/IEC 14496-12); a 64-bit duration past Long.MAX_VALUE, which
        // would read as negative, is no real file's either.
        boolean known = version == 1 ? duration >= 0 : duration != 0xFFFFFFFFL;
        return timescale > 0 && known
            ? Optional.of((double) duration / timescale)
            : Optional.empty();
      }
    }
    return Optional.empty();
  }

  private static final int[] MPEG1_LAYER3_KBPS = {
    0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320
  };
  private static final int[] MPEG2_LAYER3_KBPS = {
    0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160
  };
  private static final int[][] SAMPLE_RATES = {
    {11025, 12000, 8000}, {0, 0, 0}, {22050, 24000, 16000}, {44100, 48000, 32000}
  };

  private static Optional<Double> mp3(byte[] b) {
    int i = 0;
    if (ascii(b, 0, "ID3")) {
      i = 10 + ((b[6] & 0x7F) << 21 | (b[7] & 0x7F) << 14 | (b[8] & 0x7F) << 7 | (b[9] & 0x7F));
    }
    for (int limit = Math.min(b.length - 4, i + 65536); i < limit; i++) {
      if ((b[i] & 0xFF) != 0xFF || (b[i + 1] & 0xE0) != 0xE0) {
        continue;
      }
      int version = (b[i + 1] >> 3) & 3;
      int layer = (b[i + 1] >> 1) & 3;
      int bitrateIndex = (b[i + 2] >> 4) & 0xF;
      int rateIndex = (b[i + 2] >> 2) & 3;
      if (version == 1 || layer != 1 || bitrateIndex == 0 || bitrateIndex == 15 || rateIndex == 3) {
        continue;
      }
      int sampleRate = SAMPLE_RATES[version][rateIndex];
      int samplesPerFrame = version == 3 ? 1152 : 576;
      boolean mono = ((b[i + 3] >> 6) & 3) == 3;
      int side = version == 3 ? (mono ? 17 : 32) : (mono ? 9 : 17);
      int x = i + 4 + side;
      if (x + 12 < b.length
          && (ascii(b, x, "Xing") || ascii(b, x, "Info"))
          && (b[x + 7] & 1) != 0) {
        return Optional.of((double) u32be(b, x + 8) * samplesPerFrame / sampleRate);
      }
      int kbps = (version == 3 ? MPEG1_LAYER3_KBPS : MPEG2_LAYER3_KBPS)[bitrateIndex];
      return Optional.of((b.length - i) * 8.0 / (kbps * 1000.0));
    }
    return Optional.empty();
  }

  private static boolean ascii(byte[] b, int at, String s) {
    if (at + s.length() > b.length) {
      return false;
    }
    for (int k = 0; k < s.length(); k++) {
      if (b[at + k] != s.charAt(k)) {
        return false;
      }
    }
    return true;
  }

  private static long u32le(byte[] b, int i) {
    return (b[i] & 0xFFL)
        | (b[i + 1] & 0xFFL) << 8
        | (b[i + 2] & 0xFFL) << 16
        | (b[i + 3] & 0xFFL) << 24;
  }

  private static long u32be(byte[] b, int i) {
    return ImageSize.u32be(b, i);
  }
}
