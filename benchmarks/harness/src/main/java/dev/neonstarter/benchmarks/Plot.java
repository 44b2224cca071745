package dev.neonstarter.benchmarks;

import java.awt.Color;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;

import org.knowm.xchart.AnnotationLine;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** One PNG, a panel per measurement that ran (XChart). */
final class Plot {

	private static final int WIDTH = 640;

	private static final int HEIGHT = 420;

	private static final Color STARTER = new Color(0x00, 0x99, 0x7a);

	private static final Color BASELINE = new Color(0x80, 0x80, 0x80);

	private static final Color ACTUATOR = new Color(0x9e, 0xc9, 0xe2);

	private static final Color LEAN = new Color(0x7f, 0xd6, 0xb8);

	private static final Color HANDWIRED = new Color(0xf0, 0xb2, 0x7a);

	private static final Color FAILED = new Color(0xd6, 0x27, 0x28);

	private Plot() {
	}

	static void write(BenchmarkSuite.Results results, Path file) throws IOException {
		List<Chart<?, ?>> charts = new ArrayList<>();
		if (results.poolOverhead() != null) {
			charts.add(poolOverhead(results.poolOverhead()));
		}
		if (results.startup() != null) {
			charts.add(startup(results.startup()));
		}
		if (results.load() != null) {
			charts.add(restart(results.load().restart()));
		}
		if (results.storm() != null) {
			charts.add(storm(results.storm()));
		}
		if (charts.isEmpty()) {
			return;
		}
		int columns = Math.min(2, charts.size());
		try (OutputStream out = Files.newOutputStream(file)) {
			BitmapEncoder.saveBitmap(charts, (charts.size() + 1) / 2, columns, out, BitmapEncoder.BitmapFormat.PNG);
		}
	}

	/**
	 * The throughput ratio both ways it is measured: alternating blocks in one JVM (the decisive one: pairs run
	 * milliseconds apart) and separate JMH forks (drift between forks on two shared cores), with the goal.
	 */
	private static CategoryChart poolOverhead(PoolOverhead.Result result) {
		CategoryChart chart = categoryChart("1. Throughput, starter / bare HikariCP (99.9% CI; line: goal 0.97)", "",
				"ratio");
		List<String> operations = new ArrayList<>();
		List<Double> paired = new ArrayList<>();
		List<Double> pairedError = new ArrayList<>();
		List<Double> forks = new ArrayList<>();
		List<Double> forksError = new ArrayList<>();
		for (PoolOverhead.Comparison comparison : result.comparisons()) {
			operations.add(switch (comparison.operation()) {
				case "select1" -> "SELECT 1";
				case "insert" -> "INSERT one row";
				default -> "ORM-shaped query";
			});
			PoolOverhead.Score ratio = result.alternating()
				.stream()
				.filter((blocks) -> blocks.operation().equals(comparison.operation()))
				.findFirst()
				.orElseThrow()
				.throughputRatio();
			paired.add(ratio.mean());
			pairedError.add(finite(ratio.error()));
			forks.add(comparison.ratio());
			forksError.add(finite(comparison.ratioError()));
		}
		chart.addSeries("alternating blocks, one JVM", operations, paired, pairedError).setFillColor(STARTER);
		chart.addSeries("separate JMH forks", operations, forks, forksError).setFillColor(BASELINE);
		chart.getStyler().setErrorBarsColor(Color.BLACK);
		// Ratios near 1: the axis spans the means (at least 0.9 to 1.05), not 0 to 1; error bars may be cut.
		List<Double> means = new ArrayList<>(paired);
		means.addAll(forks);
		double low = Math.min(0.9, means.stream().mapToDouble(Double::doubleValue).min().orElse(1) - 0.05);
		double high = Math.max(1.05, means.stream().mapToDouble(Double::doubleValue).max().orElse(1) + 0.05);
		chart.getStyler().setYAxisMin(Math.floor(low * 20) / 20);
		chart.getStyler().setYAxisMax(Math.ceil(high * 20) / 20);
		chart.addAnnotation(new AnnotationLine(0.97, false, false));
		return chart;
	}

	private static CategoryChart startup(StartupComparison.Result result) {
		CategoryChart chart = categoryChart("2. JVM start to ApplicationReadyEvent, fresh JVMs", "run (legend: median)",
				"ms");
		chart.getStyler().setDefaultSeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Scatter);
		chart.getStyler().setYAxisMin(0.0);
		// Five variants do not fit in one row below the plot.
		chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
		chart.getStyler().setLegendLayout(Styler.LegendLayout.Vertical);
		addRuns(chart, StartupComparison.BOOT, result.uptimes(StartupComparison.BOOT), BASELINE);
		addRuns(chart, StartupComparison.ACTUATOR, result.uptimes(StartupComparison.ACTUATOR), ACTUATOR);
		addRuns(chart, StartupComparison.STARTER, result.uptimes(StartupComparison.STARTER), STARTER);
		addRuns(chart, StartupComparison.LEAN, result.uptimes(StartupComparison.LEAN), LEAN);
		addRuns(chart, StartupComparison.HANDWIRED, result.uptimes(StartupComparison.HANDWIRED), HANDWIRED);
		return chart;
	}

	private static void addRuns(CategoryChart chart, String name, List<Long> uptimes, Color color) {
		List<String> runs = new ArrayList<>();
		for (int i = 1; i <= uptimes.size(); i++) {
			runs.add(String.valueOf(i));
		}
		CategorySeries series = chart.addSeries(name + " (" + Stats.format(Stats.median(uptimes)) + ")", runs, uptimes);
		series.setMarkerColor(color);
		series.setMarker(SeriesMarkers.CIRCLE);
	}

	private static XYChart restart(SampleAppLoad.Restart restart) {
		XYChart chart = new XYChartBuilder().width(WIDTH)
			.height(HEIGHT)
			.title("3. Sample app, 200 clients, PostgreSQL restart")
			.xAxisTitle("s since load start (lines: restart begins, PostgreSQL back)")
			.yAxisTitle("responses/s (per 100 ms x 10)")
			.build();
		style(chart.getStyler());
		chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
		chart.getStyler().setMarkerSize(0);
		chart.getStyler().setXAxisMin(0.0);
		chart.getStyler().setXAxisDecimalPattern("0");
		List<Double> seconds = new ArrayList<>();
		List<Double> succeeded = new ArrayList<>();
		List<Double> failed = new ArrayList<>();
		long origin = restart.load().startMillis();
		NavigableMap<Long, long[]> timeline = restart.load().timeline();
		if (!timeline.isEmpty()) {
			// Every 100 ms, also those without a response: a stall must show as zero, not as a straight line.
			for (long bucket = timeline.firstKey(); bucket <= timeline.lastKey(); bucket += 100) {
				long[] counts = timeline.getOrDefault(bucket, new long[2]);
				seconds.add((bucket - origin) / 1000.0);
				succeeded.add(counts[0] * 10.0);
				failed.add(counts[1] * 10.0);
			}
			chart.addSeries("succeeded", seconds, succeeded).setLineColor(STARTER);
			chart.addSeries("failed (HTTP 4xx/5xx)", seconds, failed).setLineColor(FAILED);
		}
		chart.addAnnotation(new AnnotationLine((restart.stopping() - origin) / 1000.0, true, false));
		chart.addAnnotation(new AnnotationLine((restart.started() - origin) / 1000.0, true, false));
		return chart;
	}

	private static CategoryChart storm(ConnectionStorm.Result result) {
		CategoryChart chart = categoryChart("4. " + result.settings().callers() + " callers, pool of 10, endpoint down",
				"breaker, wave", "wait per caller, ms (log)");
		// Points, not bars: a bar chart's axis starts at 0, which a log axis has not.
		chart.getStyler().setDefaultSeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Scatter);
		chart.getStyler().setYAxisLogarithmic(true);
		List<String> waves = new ArrayList<>();
		List<Double> medians = new ArrayList<>();
		List<Double> p99 = new ArrayList<>();
		List<Double> max = new ArrayList<>();
		for (ConnectionStorm.Wave wave : result.waves()) {
			waves.add((wave.breaker() ? "on" : "off") + ", " + wave.number());
			// A log axis has no zero.
			medians.add(Math.max(0.001, Stats.median(wave.waits())));
			p99.add(Math.max(0.001, Stats.percentile(wave.waits(), 99)));
			max.add(Math.max(0.001, Stats.max(wave.waits())));
		}
		chart.addSeries("median", waves, medians);
		chart.addSeries("p99", waves, p99);
		chart.addSeries("max", waves, max);
		return chart;
	}

	private static CategoryChart categoryChart(String title, String xAxisTitle, String yAxisTitle) {
		CategoryChart chart = new CategoryChartBuilder().width(WIDTH)
			.height(HEIGHT)
			.title(title)
			.xAxisTitle(xAxisTitle)
			.yAxisTitle(yAxisTitle)
			.build();
		style(chart.getStyler());
		chart.getStyler().setMarkerSize(10);
		return chart;
	}

	/** JMH has no error for fewer than 3 iterations. */
	private static double finite(double error) {
		return Double.isNaN(error) ? 0 : error;
	}

	private static void style(Styler styler) {
		styler.setChartBackgroundColor(Color.WHITE);
		// Below the plot: inside, it can hide points.
		styler.setLegendPosition(Styler.LegendPosition.OutsideS);
		styler.setLegendLayout(Styler.LegendLayout.Horizontal);
		styler.setChartTitleFont(styler.getChartTitleFont().deriveFont(15f));
		styler.setLegendFont(styler.getLegendFont().deriveFont(11f));
	}

}
