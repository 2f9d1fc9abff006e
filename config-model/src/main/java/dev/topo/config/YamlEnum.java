package dev.topo.config;

/** An enum written in YAML by a lower-case name; lets error messages list the accepted names. */
public interface YamlEnum {
    String yamlName();
}
