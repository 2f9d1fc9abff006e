package dev.topo.loadgen.engine;

import io.netty.buffer.ByteBuf;

/** Splits the inbound byte stream of one connection into responses. One instance per connection. */
interface ResponseParser {

    /** Receives parse events; implemented by the connection. */
    interface Sink {
        /** The first byte of a response has arrived. */
        void onResponseStart();

        /** A Topo header value, valid only during the call. {@code which} is 0 for listener, 1 for loop. */
        void onTopoHeader(int which, ByteBuf buf, int index, int length);

        /** A response is complete; {@code close} when the server announced it will close the connection. */
        void onResponse(int status, boolean close);
    }

    /** Consumes all of {@code in}; the caller keeps ownership of it. */
    void feed(ByteBuf in, Sink sink) throws ProtocolException;

    /**
     * The peer closed the connection. Returns true when that ended a response (a body delimited by close), in which
     * case {@link Sink#onResponse} has been called.
     */
    boolean onEof(Sink sink) throws ProtocolException;

    /** True between the first byte of a response and its end. */
    boolean inResponse();

    void release();

    /** The inbound bytes break the protocol. */
    final class ProtocolException extends Exception {
        ProtocolException(String message) {
            super(message, null, false, false);
        }
    }
}
