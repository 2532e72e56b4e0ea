package io.ganeshaha.cib;

/**
 * GlusterFS's portblock pair around a node's virtual IPs (ocf:heartbeat:portblock on NFS's TCP
 * port): the block side drops clients' packets to the address while it moves, the unblock side lets
 * them through once the address is up and, from the connections it recorded in the tickle
 * directory, sends the clients TCP tickle ACKs so they reconnect at once.
 *
 * @param tickleDir the unblock side's {@code tickle_dir}, on storage every node sees
 */
public record PortBlock(String tickleDir) {

    /** NFS's port, the one ganesha-ha.sh blocked. */
    public static final String NFS_PORT = "2049";
    /** ganesha-ha.sh's timeout of the unblock side's actions: its tickle directory is on shared storage. */
    public static final String UNBLOCK_TIMEOUT = "60s";

    public PortBlock {
        if (tickleDir == null || !tickleDir.startsWith("/")) {
            throw new IllegalArgumentException("the tickle directory must be an absolute path, got " + tickleDir);
        }
    }
}
