package dev.topo.config;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;

/**
 * The {@code topology:} section: the kind, its own parameters, and how listening sockets are opened. In YAML they
 * are one flat mapping ({@link TopologyYaml}); a parameter the chosen kind does not use is an error rather than
 * silently ignored: {@code listeners: 4} on a single-acceptor server would otherwise look like it did something.
 */
@JsonDeserialize(using = TopologyYaml.Reader.class)
@JsonSerialize(using = TopologyYaml.Writer.class)
public record TopologyConfig(TopologyParameters parameters, ListenOptions listen) {

    public TopologyConfig {
        parameters = Check.orDefault(parameters, TopologyKind.SINGLE_ACCEPTOR.defaults());
        listen = Check.orDefault(listen, ListenOptions.defaults());
    }

    /** {@code kind} with every default. */
    public static TopologyConfig of(TopologyKind kind) {
        return new TopologyConfig(kind.defaults(), null);
    }

    public TopologyKind kind() {
        return parameters.kind();
    }

    /**
     * The parameters as the record {@code type} of the kind that reads them; asking for another kind's record is a
     * programming error (the server picked the class from this very kind).
     */
    public <P extends TopologyParameters> P parameters(Class<P> type) {
        if (!type.isInstance(parameters)) {
            throw new IllegalStateException("kind " + kind().yamlName() + " has no " + type.getSimpleName());
        }
        return type.cast(parameters);
    }
}
