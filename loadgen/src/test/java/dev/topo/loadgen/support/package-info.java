/**
 * Test servers on 127.0.0.1 with ephemeral ports: an HTTP server on Netty's own codec (so it does not share the
 * client's parser) and a TCP echo server; and headless Chromium, which renders a report page with the network
 * blocked. Used by the tests of every package; imports nothing of the load generator.
 */
package dev.topo.loadgen.support;
