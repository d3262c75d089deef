package dev.tokentally.topology;

import dev.tokentally.errors.ErrorCode;
import dev.tokentally.reconcile.JoinEntry;

/** What reading one record of the responses topic gave. */
sealed interface ResponseRead {
  /** A vendor response, ready to join. */
  record Joinable(JoinEntry.Response response) implements ResponseRead {}

  /** Not a response tokentally can join: the dead letter to write. */
  record Refused(ErrorCode code, byte[] deadLetter) implements ResponseRead {}
}
