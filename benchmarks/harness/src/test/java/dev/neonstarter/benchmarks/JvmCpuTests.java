package dev.neonstarter.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The CPU times read from {@code /proc}: a thread's stat line, and the samples of a running JVM.
 */
class JvmCpuTests {

	@Test
	void threadNameMayHoldSpacesAndParentheses() {
		JvmCpu.ThreadTime time = JvmCpu.ThreadTime
			.parse("18388 (C2 CompilerThre) S 18292 18074 6756 0 -1 4194368 3564 0 0 0 76 9 0 0 20 0 231 0 3335667\n");
		assertThat(time.name()).isEqualTo("C2 CompilerThre");
		assertThat(time.ticks()).isEqualTo(85);
		assertThat(time.compiler()).isTrue();
		JvmCpu.ThreadTime other = JvmCpu.ThreadTime
			.parse("77 (a (b) c) R 1 2 3 0 -1 4194368 0 0 0 0 5 7 0 0 20 0 1 0 100\n");
		assertThat(other.name()).isEqualTo("a (b) c");
		assertThat(other.ticks()).isEqualTo(12);
		assertThat(other.compiler()).isFalse();
	}

	@Test
	void samplesThisJvmsCpuWithTheJitsAsAPart() throws Exception {
		assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "no /proc on this system");
		long[] before;
		long[] after;
		try (JvmCpu cpu = JvmCpu.sample(ProcessHandle.current().pid())) {
			long end = System.nanoTime() + 400_000_000L;
			long spin = 0;
			while (System.nanoTime() < end) {
				spin += Long.numberOfTrailingZeros(spin + System.nanoTime());
			}
			assertThat(spin).isNotNegative();
			Thread.sleep(150);
			before = cpu.samples().firstEntry().getValue();
			Map.Entry<Long, long[]> last = cpu.samples().lastEntry();
			after = last.getValue();
		}
		// 400 ms of spinning on this thread: at least 200 ms of CPU between the first sample and the last.
		assertThat(after[1] - before[1]).isGreaterThanOrEqualTo(200);
		assertThat(after[0]).isGreaterThan(0).isLessThan(after[1]);
	}

}
