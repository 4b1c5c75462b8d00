package io.kubeli.mediator.config;

/** Invalid start-up configuration: reported with a clear message and exit status 2. */
public final class ConfigException extends Exception {
    public ConfigException(String message) {
        super(message);
    }
}
