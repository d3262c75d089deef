package dev.tokentally.credentials;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CredentialRedactorTest {

  private static String redact(String json) {
    return new String(
        CredentialRedactor.redact(json.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        // credential fields, any spelling

        """
        {"api_key":"s1"}|{"api_key":"[REDACTED]"}""",
        """
        {"X-Api-Key" : "s1", "a":1}|{"X-Api-Key" : "[REDACTED]", "a":1}""",
        "{\"api\\u005fkey\":\"s1\"}|{\"api\\u005fkey\":\"[REDACTED]\"}",
        """
        {"headers":{"Authorization":["Bearer s1","s2"]}}|{"headers":{"Authorization":["[REDACTED]","[REDACTED]"]}}""",
        // everything in a credentials object except its identifier

        """
        {"custom_model_credentials":{"identifier":"vertex","url":"u","extra":{"k":"v"}},"x":"y"}|{"custom_model_credentials":{"identifier":"vertex","url":"[REDACTED]","extra":{"k":"[REDACTED]"}},"x":"y"}""",
        // a schema property named like a credential is not a credential

        """
        {"properties":{"password":{"type":"string"}}}|{"properties":{"password":{"type":"string"}}}""",
        // values that merely mention keys, escaped quotes, and malformed JSON
        "{\"text\":\"my api_key is\",\"api_key\":\"a\\\"b\"}|{\"text\":\"my api_key is\",\"api_key\":\"[REDACTED]\"}",
        """
        {"password":"hunter2", "messages": [tr|{"password":"[REDACTED]", "messages": [tr""",
        // bare values where a credential belongs: unquoted keys in malformed JSON, numbers

        """
        {"api_key": AIzaSyCanary123, "a":1}|{"api_key": "[REDACTED]", "a":1}""",
        """
        {"password":123456,"n":7}|{"password":"[REDACTED]","n":7}""",
        """
        {"authorization":[Bearer-x, 42]}|{"authorization":["[REDACTED]", "[REDACTED]"]}""",
        """
        {"custom_model_credentials":{"identifier":7,"key":sk-1}}|{"custom_model_credentials":{"identifier":7,"key":"[REDACTED]"}}""",
        // credentials in the query of a captured request's path or url, nowhere else

        """
        {"path":"/v1beta/models/m:generateContent?alt=sse&key=AIza1&x=1"}|{"path":"/v1beta/models/m:generateContent?alt=sse&key=[REDACTED]&x=1"}""",
        """
        {"url":"https://h/v1?api-key=s1#key=s2","text":"see ?key=abc"}|{"url":"https://h/v1?api-key=[REDACTED]#key=s2","text":"see ?key=abc"}""",
        // literals hold nothing secret; bare values elsewhere are not touched

        """
        {"api_key":null,"x_api_key":true,"max_tokens":1024}|{"api_key":null,"x_api_key":true,"max_tokens":1024}""",
      })
  void blanksCredentialValuesAndNothingElse(String in, String expected) {
    assertThat(redact(in)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        """
        {"a":"b"}""",
        "not json",
        "\"api_key\""
      })
  void returnsTheSameArrayWhenThereIsNothingToBlank(String in) {
    byte[] bytes = in.getBytes(StandardCharsets.UTF_8);
    assertThat(CredentialRedactor.redact(bytes)).isSameAs(bytes);
  }
}
