package dev.neonstarter.benchmarks;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import dev.neonstarter.pool.NeonHikariDataSource;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One unit of work through the pooled DataSource, as an application does it: borrow, one statement, return.
 * {@code pool=starter} is the starter's {@code neonPooledDataSource} built by the real auto-configuration
 * (breaker guard, statement listener with {@code neon.queries} and the slow-query log, HikariCP meters);
 * {@code pool=bare} is a plain {@link HikariDataSource} with every setting copied from it. Both go through the
 * topology's PgBouncer (TLS) to the same PostgreSQL. Run by {@link PoolOverhead}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Benchmark)
public class PoolOverheadBenchmark {

	static final String TABLE = "bench_events";

	/** The payload of the rows {@link #query} reads, seeded before the run ({@link #insert} writes others). */
	static final String SEED_PAYLOAD = "seed";

	static final int QUERY_ROWS = 20;

	@Param({ "starter", "bare" })
	public String pool;

	private StarterApplication starter;

	private HikariDataSource dataSource;

	@Setup(Level.Trial)
	public void setUp() throws SQLException {
		StarterApplication application = StarterApplication.start(BenchmarkDatabase.fromSystemProperties(),
				"neon.slow-query-threshold=1s");
		NeonHikariDataSource pooled = application.pooledDataSource();
		if ("starter".equals(this.pool)) {
			application.checkInstrumented();
			this.starter = application;
			this.dataSource = pooled;
		}
		else {
			this.dataSource = sameSettingsAs(pooled);
			// Only the plain pool is left in this JVM.
			application.close();
		}
	}

	@TearDown(Level.Trial)
	public void tearDown() {
		if (this.starter != null) {
			this.starter.close();
		}
		else {
			this.dataSource.close();
		}
	}

	@Benchmark
	public int select1() throws SQLException {
		return select1(this.dataSource);
	}

	@Benchmark
	public int insert() throws SQLException {
		return insert(this.dataSource);
	}

	@Benchmark
	public int query() throws SQLException {
		return query(this.dataSource);
	}

	/** One operation of {@link PoolOverhead#OPERATIONS} by name. */
	static int run(String operation, DataSource dataSource) throws SQLException {
		return switch (operation) {
			case "select1" -> select1(dataSource);
			case "insert" -> insert(dataSource);
			case "query" -> query(dataSource);
			default -> throw new IllegalArgumentException(operation);
		};
	}

	static int select1(DataSource dataSource) throws SQLException {
		try (Connection connection = dataSource.getConnection();
				PreparedStatement statement = connection.prepareStatement("SELECT 1");
				ResultSet result = statement.executeQuery()) {
			result.next();
			return result.getInt(1);
		}
	}

	static int insert(DataSource dataSource) throws SQLException {
		try (Connection connection = dataSource.getConnection();
				PreparedStatement statement = connection
					.prepareStatement("INSERT INTO " + TABLE + " (payload) VALUES (?)")) {
			statement.setString(1, "benchmark");
			return statement.executeUpdate();
		}
	}

	/**
	 * What an ORM sends for a repository finder (e.g. Spring Data JPA's
	 * {@code findByPayloadAndIdGreaterThanAndCreatedAtBefore(..., Limit)}): several bind parameters, a multi-row
	 * result ({@value #QUERY_ROWS} of the seeded rows), every column read into a value.
	 */
	static int query(DataSource dataSource) throws SQLException {
		try (Connection connection = dataSource.getConnection();
				PreparedStatement statement = connection.prepareStatement("select e.id, e.payload, e.created_at from "
						+ TABLE + " e where e.payload = ? and e.id > ? and e.created_at < ? order by e.id limit ?")) {
			statement.setString(1, SEED_PAYLOAD);
			statement.setLong(2, 0);
			statement.setObject(3, java.time.OffsetDateTime.now().plusDays(1));
			statement.setInt(4, QUERY_ROWS);
			int rows = 0;
			try (ResultSet result = statement.executeQuery()) {
				while (result.next()) {
					result.getLong(1);
					result.getString(2);
					result.getObject(3, java.time.OffsetDateTime.class);
					rows++;
				}
			}
			return rows;
		}
	}

	/** A plain HikariCP pool with the starter pool's connection and pool settings, and nothing else. */
	static HikariDataSource sameSettingsAs(HikariDataSource source) {
		HikariDataSource bare = new HikariDataSource();
		bare.setPoolName("bare-hikari");
		bare.setDriverClassName(source.getDriverClassName());
		bare.setJdbcUrl(source.getJdbcUrl());
		bare.setUsername(source.getUsername());
		bare.setPassword(source.getPassword());
		Properties properties = new Properties();
		properties.putAll(source.getDataSourceProperties());
		bare.setDataSourceProperties(properties);
		bare.setMaximumPoolSize(source.getMaximumPoolSize());
		bare.setMinimumIdle(source.getMinimumIdle());
		bare.setConnectionTimeout(source.getConnectionTimeout());
		bare.setValidationTimeout(source.getValidationTimeout());
		bare.setIdleTimeout(source.getIdleTimeout());
		bare.setKeepaliveTime(source.getKeepaliveTime());
		bare.setMaxLifetime(source.getMaxLifetime());
		bare.setLeakDetectionThreshold(source.getLeakDetectionThreshold());
		bare.setAutoCommit(source.isAutoCommit());
		bare.setReadOnly(source.isReadOnly());
		bare.setTransactionIsolation(source.getTransactionIsolation());
		bare.setConnectionTestQuery(source.getConnectionTestQuery());
		bare.setConnectionInitSql(source.getConnectionInitSql());
		bare.setCatalog(source.getCatalog());
		bare.setSchema(source.getSchema());
		return bare;
	}

}
