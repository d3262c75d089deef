import java.util.regex.Pattern;

/** Prints one character per code point (surrogates skipped): L, N or - as this JDK's regex sees it. */
public class UnicodeClasses {
  public static void main(String[] args) {
    Pattern letter = Pattern.compile("\\p{L}", Pattern.UNICODE_CHARACTER_CLASS);
    Pattern number = Pattern.compile("\\p{N}", Pattern.UNICODE_CHARACTER_CLASS);
    StringBuilder out = new StringBuilder();
    for (int cp = 0; cp <= 0x10FFFF; cp++) {
      if (cp >= 0xD800 && cp <= 0xDFFF) continue;
      String s = new String(Character.toChars(cp));
      out.append(letter.matcher(s).matches() ? 'L' : number.matcher(s).matches() ? 'N' : '-');
    }
    System.out.print(out);
  }
}
