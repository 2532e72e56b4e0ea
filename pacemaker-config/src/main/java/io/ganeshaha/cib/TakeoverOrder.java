package io.ganeshaha.cib;

/**
 * Which surviving node a failed node's virtual IPs prefer, after their home node, in the order the
 * members are listed (wrapping around). GlusterFS's ganesha-ha.sh gave, for the members
 * {@code n1 n2 n3 n4}, n2's IPs the scores n3=1000, n4=2000, n1=3000 and n2 itself 4000: after home,
 * the node listed just before it. An existing GlusterFS cluster keeps that order by default.
 */
public enum TakeoverOrder {
    /** The node listed just before the home node first, then the one before it (GlusterFS's order). */
    PRECEDING,
    /** The node listed just after the home node first, then the one after it. */
    FOLLOWING;

    /** The member at distance {@code k} (1 for the first choice) from {@code home} of {@code size} members. */
    int pick(int home, int k, int size) {
        return this == PRECEDING ? Math.floorMod(home - k, size) : (home + k) % size;
    }
}
