package io.ganeshaha.agent.watch;

/**
 * One ganesha.nfsd process, identified by pid and kernel start time so that a recycled pid is
 * not mistaken for the daemon we saw before.
 */
public record NfsdProcess(long pid, long startTicks) {}
