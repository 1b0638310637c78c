package dev.tally.ops;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.PrintWriter;
import java.util.Arrays;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * Runs JUnit classes in a JVM of its own (as another user, with another environment) and exits 0
 * only when every test ran and passed; prints each failure with its stack trace, and one line per
 * test that passed ({@code passed: Class#method}), so the caller can tell what ran.
 */
final class CasesLauncher {

    private CasesLauncher() {
    }

    public static void main(String[] classNames) throws ClassNotFoundException {
        LauncherDiscoveryRequestBuilder request = LauncherDiscoveryRequestBuilder.request();
        for (String name : classNames) {
            request.selectors(selectClass(Class.forName(name)));
        }
        LauncherDiscoveryRequest built = request.build();
        SummaryGeneratingListener summary = new SummaryGeneratingListener();
        PassedTests passed = new PassedTests();
        LauncherFactory.create().execute(built, summary, passed);
        TestExecutionSummary s = summary.getSummary();
        PrintWriter out = new PrintWriter(System.out, true);
        s.printFailuresTo(out, 40);
        s.printTo(out);
        boolean ok = s.getTotalFailureCount() == 0 && s.getTestsFoundCount() > 0
                && s.getTestsSucceededCount() == s.getTestsFoundCount();
        System.out.println(ok ? "ALL PASSED " + Arrays.toString(classNames) : "FAILED");
        System.exit(ok ? 0 : 1);
    }

    /** Prints each test that passed. */
    private static final class PassedTests implements org.junit.platform.launcher.TestExecutionListener {
        @Override
        public void executionFinished(org.junit.platform.launcher.TestIdentifier id,
                                      org.junit.platform.engine.TestExecutionResult result) {
            if (id.isTest() && result.getStatus() == org.junit.platform.engine.TestExecutionResult.Status.SUCCESSFUL) {
                System.out.println("passed: " + id.getLegacyReportingName() + " " + id.getUniqueId());
            }
        }
    }
}
