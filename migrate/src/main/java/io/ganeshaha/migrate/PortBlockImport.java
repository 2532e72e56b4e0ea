package io.ganeshaha.migrate;

import io.ganeshaha.api.v1alpha1.PortBlockSpec;
import io.ganeshaha.api.v1alpha1.PortBlockSpecBuilder;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * spec.portBlock from the CIB's portblock resources. The spec has them for every VIP or for none,
 * so they are carried over only when every VIP of every member has its block and unblock side.
 */
final class PortBlockImport {

    private PortBlockImport() {}

    static Optional<PortBlockSpec> of(List<String> members, CibLayout layout, String haVolMnt,
            List<String> notCarriedOver) {
        boolean any = members.stream().anyMatch(m -> !layout.group(m).portBlocks.isEmpty());
        if (!any) {
            return Optional.empty();
        }
        boolean complete = members.stream().allMatch(m -> paired(layout.group(m)));
        if (!complete) {
            for (String member : members) {
                for (CibLayout.PortBlockSide side : layout.group(member).portBlocks) {
                    notCarriedOver.add("portblock " + side.id() + " (action=" + side.action() + " ip=" + side.ip() + "):"
                            + " not every VIP of every node has a block and an unblock side, and spec.portBlock is for"
                            + " all VIPs or none");
                }
            }
            return Optional.empty();
        }
        Set<String> tickleDirs = new LinkedHashSet<>();
        members.forEach(m -> layout.group(m).portBlocks.stream().filter(s -> s.action().equals("unblock"))
                .forEach(s -> tickleDirs.add(s.tickleDir().orElse(""))));
        String tickleDir = tickleDirs.iterator().next();
        if (tickleDirs.size() > 1 || tickleDir.isEmpty() || !tickleDir.startsWith("/")) {
            notCarriedOver.add("tickle_dir of the unblock sides " + tickleDirs + ": spec.portBlock.tickleDir is one"
                    + " absolute path; the GaneshaCluster uses "
                    + (tickleDir.startsWith("/") ? tickleDir : PortBlockSpec.defaultTickleDir(haVolMnt)));
            tickleDir = tickleDir.startsWith("/") ? tickleDir : PortBlockSpec.defaultTickleDir(haVolMnt);
        }
        return Optional.of(new PortBlockSpecBuilder().withEnabled(true).withTickleDir(tickleDir).build());
    }

    /** Every VIP of the group has one block and one unblock side on its address, and nothing else is there. */
    private static boolean paired(CibLayout.NodeGroup group) {
        if (group.vips.isEmpty() || group.portBlocks.size() != 2 * group.vips.size()) {
            return false;
        }
        return group.vips.values().stream().allMatch(vip ->
                group.portBlocks.stream().filter(s -> s.ip().equals(vip.address())).map(CibLayout.PortBlockSide::action)
                        .sorted().toList().equals(List.of("block", "unblock")));
    }
}
