package dev.topo.server.process;

/**
 * process-reuseport on io_uring: the same body, spread and restart, with each worker accepting on the listening
 * sockets its master lends it wrapped in io_uring channels.
 */
class ProcessReusePortIoUringTest extends ProcessReusePortTest {
    @Override
    String yaml() {
        return super.yaml() + "transport: io_uring\n";
    }
}
