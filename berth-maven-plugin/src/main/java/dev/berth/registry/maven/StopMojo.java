// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.maven;

import java.io.IOException;
import java.util.Optional;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;

/**
 * Stops the registry {@code berth:start} started in this project, after logging what it held.
 * Bound to {@code post-integration-test}, which runs even when Failsafe's tests fail (Failsafe
 * fails the build later, in {@code verify}).
 */
@Mojo(name = "stop", defaultPhase = LifecyclePhase.POST_INTEGRATION_TEST, threadSafe = true)
public final class StopMojo extends AbstractMojo {
    @Parameter(defaultValue = "${project}", readonly = true, required = true)
    private MavenProject project;

    /** The registry to stop, by the prefix its start published under (one per execution of start). */
    @Parameter(defaultValue = "berth")
    private String propertyPrefix;

    @Parameter(property = "berth.skip", defaultValue = "false")
    private boolean skip;

    @Override
    public void execute() throws MojoExecutionException {
        if (skip) {
            getLog().info("Berth: skipped (berth.skip)");
            return;
        }
        Optional<RunningRegistry> running = RunningRegistry.of(RunningRegistry.key(project, propertyPrefix));
        if (running.isEmpty()) {
            getLog().warn("Berth: no registry to stop: berth:start did not run in this project");
            return;
        }
        RunningRegistry registry = running.get();
        try {
            registry.held().forEach(line -> getLog().info("Berth held " + line));
        } catch (IOException e) {
            getLog().warn("Berth: could not list what the registry held: " + e.getMessage());
        }
        try {
            registry.close();
        } catch (IOException e) {
            throw new MojoExecutionException("stopping the registry at " + registry.uri() + " failed", e);
        }
        getLog().info("Berth stopped at " + registry.uri());
    }
}
