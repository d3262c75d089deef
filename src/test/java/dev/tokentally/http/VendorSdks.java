package dev.tokentally.http;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.models.messages.MessageCountTokensParams;
import com.google.genai.Client;
import com.google.genai.types.HttpOptions;

/** The vendors' own SDKs pointed at tokentally, with only the base URL and the key changed. */
final class VendorSdks {
  private VendorSdks() {}

  static AnthropicClient anthropic(String baseUrl, String key) {
    return AnthropicOkHttpClient.builder().apiKey(key).baseUrl(baseUrl).maxRetries(0).build();
  }

  static Client gemini(String baseUrl, String key) {
    return Client.builder()
        .apiKey(key)
        .httpOptions(HttpOptions.builder().baseUrl(baseUrl).build())
        .build();
  }

  /** Anthropic's published example (anthropic-docs-basic-system): 14 input tokens. */
  static long scientist(AnthropicClient client) {
    return client
        .messages()
        .countTokens(
            MessageCountTokensParams.builder()
                .model("claude-3-5-sonnet-20241022")
                .system("You are a scientist")
                .addUserMessage("Hello, Claude")
                .build())
        .inputTokens();
  }
}
