package dev.topo.server.process;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** process-shared-listener with {@code acceptMutex}: the shared body, both workers accept, and none wakes for nothing. */
class ProcessSharedListenerMutexTest extends ProcessSharedListenerTest {
    @Override
    String yaml() {
        return "topology: {kind: process-shared-listener, processes: 2, loops: 1, acceptMutex: true}\n";
    }

    /** Only the worker holding the turn watches the socket. */
    @Override
    void assertHerd(double empty) {
        assertEquals(0, empty, "only the worker holding the turn watches the socket: empty wake-ups");
    }
}
