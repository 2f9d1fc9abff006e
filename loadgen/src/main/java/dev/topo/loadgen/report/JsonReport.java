package dev.topo.loadgen.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.topo.loadgen.engine.LoadResult;
import dev.topo.loadgen.engine.ResultDocument;

import java.io.IOException;
import java.nio.file.Path;

/** The machine-readable result: the run's {@link ResultDocument} ({@value ResultDocument#SCHEMA}) as JSON. */
public final class JsonReport {

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private JsonReport() {
    }

    public static void write(LoadResult r, Path file) throws IOException {
        MAPPER.writeValue(file.toFile(), ResultDocument.of(r));
    }

    /** The mapper of every JSON file the load generator writes: indented, field names as the records name them. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }
}
