/**
 * {@code tally audit}: the log's records ({@code log}, {@code export}), signed checkpoints and
 * their verification ({@code checkpoint}, {@code verify}, {@code keygen}, with
 * {@link dev.tally.cli.audit.CheckpointSignature}).
 */
package dev.tally.cli.audit;
