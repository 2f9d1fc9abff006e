package dev.topo.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A server turns Netty's leak detection off, unless its command line chose a level. */
class LeakDetectionTest {
    private String saved;

    @BeforeEach
    void save() {
        saved = System.getProperty(LeakDetection.PROPERTY);
    }

    @AfterEach
    void restore() {
        if (saved == null) {
            System.clearProperty(LeakDetection.PROPERTY);
        } else {
            System.setProperty(LeakDetection.PROPERTY, saved);
        }
    }

    @Test
    void offWhenNothingAsked() {
        System.clearProperty(LeakDetection.PROPERTY);
        LeakDetection.offUnlessAsked();
        assertEquals("disabled", System.getProperty(LeakDetection.PROPERTY));
    }

    @Test
    void aLevelOnTheCommandLineWins() {
        System.setProperty(LeakDetection.PROPERTY, "simple");
        LeakDetection.offUnlessAsked();
        assertEquals("simple", System.getProperty(LeakDetection.PROPERTY));
    }
}
