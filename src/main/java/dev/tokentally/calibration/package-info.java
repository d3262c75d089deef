/**
 * Live correction of the text model from billed counts: samples from reconciled pairs, the learner
 * that turns them into a published correction per family, and the corrections the counting reads.
 * No Kafka here; the topology carries samples and corrections between tasks.
 */
package dev.tokentally.calibration;
