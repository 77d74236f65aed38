# pgpref dashboard: a Shiny app over pgpref's views (schema pref).
#
#   PGHOST=... PGPORT=... PGDATABASE=... PGUSER=... \
#     R -e 'shiny::runApp("examples/dashboard", host = "127.0.0.1", port = 8050)'
#
# Four pages, each reachable by URL: ?page=leaderboard, ?page=health,
# ?page=valuation, ?page=jobs (and ?job=NAME to pick a job on the first three).
# Connection settings come from the usual libpq variables (PGHOST, PGPORT,
# PGDATABASE, PGUSER, PGPASSWORD).  The role needs USAGE on schema pref and
# SELECT on its tables and views (docs/curation.md, "a read-only dashboard
# role").  Pages re-read the database every DASHBOARD_REFRESH seconds
# (default 60; 0 turns it off).
#
# Every figure a table shows is rounded in SQL and sent as text, so what the
# page shows is exactly what the query says (test/dashboard.sh checks it).
# No column named position (renamed place in a later version) is read:
# boards are ordered by rating, then item.

suppressPackageStartupMessages({
	library(shiny)
	library(ggplot2)
	library(DBI)
	library(RPostgreSQL)
})

PAGES <- c(leaderboard = "Leaderboard", health = "Data health",
	valuation = "Valuation", jobs = "Jobs")
REFRESH_MS <- 1000 * as.numeric(Sys.getenv("DASHBOARD_REFRESH", "60"))

# Run one query on a fresh connection (the app is read-only and light)
db_query <- function(sql, params = NULL) {
	env <- function(name, default) {
		v <- Sys.getenv(name, "")
		if (nzchar(v)) v else default
	}
	con <- dbConnect(PostgreSQL(),
		host = env("PGHOST", "localhost"),
		port = as.integer(env("PGPORT", "5432")),
		dbname = env("PGDATABASE", env("PGUSER", Sys.info()[["user"]])),
		user = env("PGUSER", Sys.info()[["user"]]))
	on.exit(dbDisconnect(con))
	dbGetQuery(con, "SET TimeZone = 'UTC'")
	if (is.null(params)) dbGetQuery(con, sql) else dbGetQuery(con, sql, params)
}

# A headline figure: a label over a big number
card <- function(id, label) {
	div(class = "card-figure",
		div(class = "card-label", label),
		div(class = "card-value", textOutput(id, inline = TRUE)))
}

# A small note under a plot or table
note <- function(...) p(class = "note", ...)

# Queries listing the jobs each page can show, latest result first
JOB_LISTS <- c(
	lb_job = "SELECT job FROM pref.leaderboard_current GROUP BY job ORDER BY max(computed_at) DESC, job",
	health_job = "SELECT job FROM pref.data_health_daily GROUP BY job ORDER BY max(computed_at) DESC, job",
	val_job = "SELECT job FROM pref.valuation_summary ORDER BY computed_at DESC, job")

# The job names of one list; none when the database cannot be read
list_jobs <- function(id) {
	tryCatch(db_query(JOB_LISTS[[id]])$job, error = function(e) character(0))
}

# A page's job selector, filled when the page is built (so the first render
# needs no round trip); ?job=NAME preselects
job_picker <- function(id, label, wanted) {
	jobs <- list_jobs(id)
	selected <- if (!is.null(wanted) && wanted %in% jobs) wanted else if (length(jobs)) jobs[[1]] else NULL
	div(class = "job-picker", selectInput(id, label, choices = jobs, selected = selected))
}

ui <- function(request) {
	query <- parseQueryString(request$QUERY_STRING)
	page <- if (!is.null(query$page) && query$page %in% names(PAGES)) query$page else "leaderboard"
	reachable <- tryCatch({ db_query("SELECT 1"); NULL }, error = function(e) conditionMessage(e))
	navbarPage(
		title = "pgpref", id = "page", selected = page, collapsible = TRUE,
		header = tags$head(tags$style(HTML("
			body { font-size: 15px; }
			.card-row { display: flex; gap: 14px; margin: 4px 0 14px 0; flex-wrap: wrap; }
			.card-figure { border: 1px solid #d6dbe1; border-radius: 6px; padding: 8px 16px; min-width: 150px; background: #f8fafc; }
			.card-label { color: #5b6675; font-size: 13px; }
			.card-value { font-size: 24px; font-weight: 600; }
			.note { color: #5b6675; font-size: 13px; }
			.job-picker { max-width: 320px; }
			table.table { font-variant-numeric: tabular-nums; }
			.status-failed { color: #b42318; font-weight: 600; }
			.db-error { color: #b42318; border: 1px solid #b42318; padding: 8px; margin-bottom: 10px; }
		")),
		if (!is.null(reachable)) div(class = "db-error", "Cannot read the database: ", reachable)),
		tabPanel(PAGES[["leaderboard"]], value = "leaderboard",
			job_picker("lb_job", "Leaderboard job", query$job),
			div(class = "card-row",
				card("lb_leader", "Leader"),
				card("lb_leader_rating", "Leader's rating"),
				card("lb_items", "Items"),
				card("lb_comparisons", "Comparisons read"),
				card("lb_computed", "Computed (UTC)")),
			fluidRow(
				column(7, h4("Ratings with intervals"), plotOutput("lb_plot", height = "300px"),
					note("pref.leaderboard_current: rating, interval at the job's level, interval-aware rank (items whose intervals overlap share a rank).")),
				column(5, h4("Current board"), tableOutput("lb_table"))),
			fluidRow(
				column(7, h4("Rating per run"), plotOutput("lb_history_plot", height = "250px"),
					note("pref.leaderboard: every run of the job (history kept per run).")),
				column(5, h4("Daily history"), tableOutput("lb_daily_table"),
					note("pref.leaderboard_daily: the last board of each UTC day.")))),
		tabPanel(PAGES[["health"]], value = "health",
			job_picker("health_job", "Health job", query$job),
			div(class = "card-row",
				card("health_day", "Last day"),
				card("health_labels", "Labels on the last day"),
				card("health_tie", "Tie rate"),
				card("health_agreement", "Agreement (alpha)"),
				card("health_mislabeled", "Likely mislabeled")),
			fluidRow(
				column(6, h4("Per day"), plotOutput("health_plot", height = "420px")),
				column(6, h4("Data health per day"), tableOutput("health_table"),
					note("pref.data_health_daily, written by the job's last run: labels after de-duplication",
						"(latest label per item and annotator), ties: share of tie labels, alpha: Krippendorff's alpha (nominal),",
						"mislabeled: share of labels that differ from a confident Dawid-Skene label,",
						"superseded: share of raw rows replaced by a later label.")))),
		tabPanel(PAGES[["valuation"]], value = "valuation",
			job_picker("val_job", "Valuation job", query$job),
			div(class = "card-row",
				card("val_rows", "Rows valued"),
				card("val_harmful", "Harmful rows"),
				card("val_harmful_share", "Harmful share"),
				card("val_selected", "Selected for training"),
				card("val_computed", "Computed (UTC)")),
			fluidRow(
				column(7, h4("Distribution of data values"), plotOutput("val_plot", height = "300px"),
					note("pref.data_values: one value per training row; harmful = value < 0 (the row lowers validation utility)."),
					fluidRow(
						column(6, h4("Most harmful rows"), tableOutput("val_harmful_table")),
						column(6, h4("Training subset"), tableOutput("val_subset"),
							note("pref.training_subset: the first picks.")))),
				column(5, h4("Summary"), tableOutput("val_summary"),
					note("pref.valuation_summary: the job's latest run.")))),
		tabPanel(PAGES[["jobs"]], value = "jobs",
			div(class = "card-row",
				card("jobs_count", "Jobs"),
				card("jobs_failed", "Jobs whose last run failed"),
				card("jobs_runs", "Runs"),
				card("jobs_failed_runs", "Failed runs")),
			fluidRow(
				column(12, h4("Job status, failures first"), tableOutput("jobs_table"),
					note("pref.job_status: jobs whose last run failed first, then by failures, then by name."))),
			fluidRow(
				column(5, h4("Runs per job"), plotOutput("jobs_plot", height = "300px")),
				column(7, h4("Recent runs, failures first"), tableOutput("runs_table"),
					note("pref.runs: the 10 latest runs, failed ones first; times in UTC."))))
	)
}

server <- function(input, output, session) {
	# the URL follows the selected page, so a page can be bookmarked
	observeEvent(input$page, {
		updateQueryString(paste0("?page=", input$page), mode = "replace")
	}, ignoreInit = TRUE)

	# re-read the database now and then
	tick <- reactive({
		if (REFRESH_MS > 0) invalidateLater(REFRESH_MS)
		Sys.time()
	})

	# on refresh, add jobs that appeared since the page was built
	for (id in names(JOB_LISTS)) local({
		id <- id
		known <- NULL
		observe({
			tick()
			jobs <- list_jobs(id)
			if (!is.null(known) && !identical(jobs, known)) {
				current <- isolate(input[[id]])
				updateSelectInput(session, id, choices = jobs,
					selected = if (!is.null(current) && current %in% jobs) current else jobs[1])
			}
			known <<- jobs
		})
	})

	# ---- leaderboard ---------------------------------------------------------
	lb <- reactive({
		tick()
		req(input$lb_job)
		db_query("
			SELECT item, rating, lower, upper, rank,
			       round(rating::numeric, 1)::text AS rating_txt,
			       round(lower::numeric, 1)::text AS lower_txt,
			       round(upper::numeric, 1)::text AS upper_txt,
			       wins, losses, ties, games, comparisons,
			       to_char(computed_at, 'YYYY-MM-DD HH24:MI') AS computed
			FROM pref.leaderboard_current WHERE job = $1
			ORDER BY rating DESC, item", list(input$lb_job))
	})
	output$lb_leader <- renderText(if (nrow(lb())) lb()$item[[1]] else "none")
	output$lb_leader_rating <- renderText(if (nrow(lb())) lb()$rating_txt[[1]] else "")
	output$lb_items <- renderText(nrow(lb()))
	output$lb_comparisons <- renderText(if (nrow(lb())) lb()$comparisons[[1]] else 0)
	output$lb_computed <- renderText(if (nrow(lb())) lb()$computed[[1]] else "")
	output$lb_plot <- renderPlot({
		d <- lb()
		req(nrow(d) > 0)
		d$item <- factor(d$item, levels = rev(d$item))
		ggplot(d, aes(x = rating, y = item)) +
			geom_vline(xintercept = mean(d$rating), linetype = "dashed", colour = "grey60") +
			geom_errorbarh(aes(xmin = lower, xmax = upper), height = 0.25, colour = "#2b6cb0") +
			geom_point(size = 3, colour = "#1a365d") +
			geom_text(aes(label = rating_txt), vjust = -0.9, size = 3.6) +
			labs(x = "rating (interval at the job's level)", y = NULL) +
			theme_minimal(base_size = 14)
	})
	output$lb_table <- renderTable({
		d <- lb()
		data.frame(item = d$item, rating = d$rating_txt, lower = d$lower_txt, upper = d$upper_txt,
			rank = as.integer(d$rank), games = as.integer(d$games), check.names = FALSE)
	}, striped = TRUE, hover = TRUE)
	lb_runs <- reactive({
		tick()
		req(input$lb_job)
		db_query("
			SELECT l.run_id, l.computed_at, l.item, l.rating, l.comparisons
			FROM pref.leaderboard l WHERE l.job = $1
			ORDER BY l.run_id, l.rating DESC, l.item", list(input$lb_job))
	})
	output$lb_history_plot <- renderPlot({
		d <- lb_runs()
		req(nrow(d) > 0)
		d$run <- factor(d$run_id)
		ggplot(d, aes(x = run, y = rating, colour = item, group = item)) +
			geom_line() + geom_point(size = 2) +
			labs(x = "run (pref.runs.run_id)", y = "rating", colour = NULL) +
			theme_minimal(base_size = 14)
	})
	output$lb_daily_table <- renderTable({
		tick()
		req(input$lb_job)
		db_query("
			SELECT d.day::text AS day, d.item, round(d.rating::numeric, 1)::text AS rating,
			       d.rank::int AS rank, d.games::text AS games, d.comparisons::text AS comparisons
			FROM pref.leaderboard_daily d WHERE d.job = $1
			ORDER BY d.day DESC, d.rating DESC, d.item LIMIT 18", list(input$lb_job))
	}, striped = TRUE)

	# ---- data health ---------------------------------------------------------
	health <- reactive({
		tick()
		req(input$health_job)
		db_query("
			SELECT day, day::text AS day_txt, labels, items, annotators,
			       tie_rate, agreement, likely_mislabeled_share, duplicates_share,
			       round(100 * tie_rate::numeric, 1)::text || '%' AS tie_txt,
			       round(agreement::numeric, 3)::text AS agreement_txt,
			       round(100 * likely_mislabeled_share::numeric, 1)::text || '%' AS mislabeled_txt,
			       round(100 * duplicates_share::numeric, 1)::text || '%' AS duplicates_txt
			FROM pref.data_health_daily WHERE job = $1
			ORDER BY day", list(input$health_job))
	})
	last_health <- reactive({
		d <- health()
		req(nrow(d) > 0)
		d[nrow(d), ]
	})
	output$health_day <- renderText(last_health()$day_txt)
	output$health_labels <- renderText(last_health()$labels)
	output$health_tie <- renderText(last_health()$tie_txt)
	output$health_agreement <- renderText(coalesce_txt(last_health()$agreement_txt))
	output$health_mislabeled <- renderText(last_health()$mislabeled_txt)
	output$health_plot <- renderPlot({
		d <- health()
		req(nrow(d) > 0)
		long <- rbind(
			data.frame(day = d$day, measure = "labels", value = d$labels),
			data.frame(day = d$day, measure = "tie rate", value = d$tie_rate),
			data.frame(day = d$day, measure = "agreement (Krippendorff's alpha)", value = d$agreement),
			data.frame(day = d$day, measure = "likely mislabeled share", value = d$likely_mislabeled_share))
		long$measure <- factor(long$measure, levels = unique(long$measure))
		ggplot(long, aes(x = day, y = value)) +
			geom_line(colour = "#2b6cb0") + geom_point(size = 2.5, colour = "#1a365d") +
			facet_wrap(~measure, ncol = 2, scales = "free_y") +
			scale_x_date(date_labels = "%b %d") +
			labs(x = NULL, y = NULL) +
			theme_minimal(base_size = 14)
	})
	output$health_table <- renderTable({
		d <- health()
		data.frame(day = d$day_txt, labels = as.integer(d$labels), items = as.integer(d$items),
			ties = d$tie_txt, alpha = vapply(d$agreement_txt, coalesce_txt, ""),
			mislabeled = d$mislabeled_txt, superseded = d$duplicates_txt, check.names = FALSE)
	}, striped = TRUE)

	# ---- valuation -----------------------------------------------------------
	val <- reactive({
		tick()
		req(input$val_job)
		db_query("
			SELECT job, dataset, run_id, rows_valued, harmful_rows, selected_rows,
			       round(100 * harmful_share::numeric, 1)::text || '%' AS harmful_share_txt,
			       to_char(computed_at, 'YYYY-MM-DD HH24:MI') AS computed,
			       round(harmful_value::numeric, 4)::text AS harmful_value,
			       round(min_value::numeric, 4)::text AS min_value,
			       round(p05::numeric, 4)::text AS p05, round(p25::numeric, 4)::text AS p25,
			       round(median::numeric, 4)::text AS median, round(p75::numeric, 4)::text AS p75,
			       round(p95::numeric, 4)::text AS p95, round(max_value::numeric, 4)::text AS max_value,
			       round(mean_value::numeric, 5)::text AS mean_value,
			       round(total_value::numeric, 4)::text AS total_value
			FROM pref.valuation_summary WHERE job = $1", list(input$val_job))
	})
	output$val_rows <- renderText(val()$rows_valued)
	output$val_harmful <- renderText(val()$harmful_rows)
	output$val_harmful_share <- renderText(val()$harmful_share_txt)
	output$val_selected <- renderText(val()$selected_rows)
	output$val_computed <- renderText(val()$computed)
	output$val_summary <- renderTable({
		v <- val()
		req(nrow(v) == 1)
		keys <- c("dataset", "run_id", "rows_valued", "harmful_rows", "harmful_share_txt", "harmful_value",
			"min_value", "p05", "p25", "median", "p75", "p95", "max_value", "mean_value", "total_value",
			"selected_rows")
		labels <- c("dataset", "run", "rows valued", "harmful rows (value < 0)", "harmful share",
			"sum of negative values", "min", "5th percentile", "25th percentile", "median",
			"75th percentile", "95th percentile", "max", "mean", "total", "rows selected")
		data.frame(measure = labels, value = vapply(keys, function(k) format(v[[k]][[1]]), ""),
			check.names = FALSE)
	}, striped = TRUE)
	values <- reactive({
		tick()
		req(input$val_job)
		db_query("SELECT id, value, harmful FROM pref.data_values WHERE job = $1 ORDER BY value, id",
			list(input$val_job))
	})
	output$val_plot <- renderPlot({
		d <- values()
		req(nrow(d) > 0)
		d$class <- ifelse(d$harmful, "harmful (value < 0)", "helpful or neutral")
		ggplot(d, aes(x = value, fill = class)) +
			geom_histogram(bins = 40, colour = "white") +
			geom_rug(aes(colour = class), sides = "b", length = unit(0.05, "npc"), show.legend = FALSE) +
			scale_colour_manual(values = c("harmful (value < 0)" = "#c53030", "helpful or neutral" = "#2b6cb0")) +
			geom_vline(xintercept = 0, linetype = "dashed") +
			scale_fill_manual(values = c("harmful (value < 0)" = "#c53030", "helpful or neutral" = "#2b6cb0")) +
			labs(x = "data value", y = "rows", fill = NULL) +
			theme_minimal(base_size = 14) + theme(legend.position = "top")
	})
	output$val_harmful_table <- renderTable({
		tick()
		req(input$val_job)
		db_query("
			SELECT v.id::text AS id, round(v.value::numeric, 5)::text AS value,
			       coalesce(round(v.std_error::numeric, 5)::text, '') AS std_error
			FROM pref.data_values v WHERE v.job = $1 AND v.harmful
			ORDER BY v.value, v.id LIMIT 10", list(input$val_job))
	}, striped = TRUE)
	output$val_subset <- renderTable({
		tick()
		req(input$val_job)
		db_query("
			SELECT t.pick::int AS pick, t.id::text AS id, round(t.gain::numeric, 4)::text AS gain
			FROM pref.training_subset t WHERE t.job = $1 ORDER BY t.pick LIMIT 10", list(input$val_job))
	}, striped = TRUE)

	# ---- jobs ----------------------------------------------------------------
	jobs <- reactive({
		tick()
		db_query("
			SELECT job, kind, last_status, runs::int AS runs, failures::int AS failures,
			       coalesce(to_char(last_started, 'YYYY-MM-DD HH24:MI:SS'), '') AS last_started,
			       coalesce(to_char(last_success, 'YYYY-MM-DD HH24:MI:SS'), 'never') AS last_success,
			       coalesce(definer::text, '') AS definer,
			       coalesce(left(last_error, 160), '') AS last_error
			FROM pref.job_status
			ORDER BY last_status = 'failed' DESC, failures DESC, job")
	})
	runs <- reactive({
		tick()
		db_query("
			SELECT run_id AS run, job, status,
			       to_char(started, 'HH24:MI:SS') AS started,
			       coalesce(round(extract(epoch FROM finished - started)::numeric, 3)::text, '') AS seconds,
			       coalesce(rows_read::text, '') AS rows_read, coalesce(rows_written::text, '') AS rows_written
			FROM pref.runs ORDER BY status = 'failed' DESC, run_id DESC LIMIT 10")
	})
	output$jobs_count <- renderText(nrow(jobs()))
	output$jobs_failed <- renderText(sum(jobs()$last_status == "failed", na.rm = TRUE))
	output$jobs_runs <- renderText(sum(jobs()$runs))
	output$jobs_failed_runs <- renderText(sum(jobs()$failures))
	output$jobs_table <- renderTable({
		d <- jobs()
		d$last_status <- ifelse(d$last_status == "failed",
			sprintf('<span class="status-failed">%s</span>', d$last_status), htmltools::htmlEscape(d$last_status))
		d$last_error <- htmltools::htmlEscape(d$last_error)
		d$job <- htmltools::htmlEscape(d$job)
		d
	}, striped = TRUE, sanitize.text.function = identity)
	output$jobs_plot <- renderPlot({
		tick()
		d <- db_query("SELECT job, status, count(*)::int AS runs FROM pref.runs GROUP BY job, status")
		req(nrow(d) > 0)
		ggplot(d, aes(x = runs, y = job, fill = status)) +
			geom_col() +
			scale_fill_manual(values = c(succeeded = "#2f855a", failed = "#c53030",
				skipped = "#a0aec0", running = "#d69e2e")) +
			labs(x = "runs", y = NULL, fill = NULL) +
			theme_minimal(base_size = 14) + theme(legend.position = "top")
	})
	output$runs_table <- renderTable({
		d <- runs()
		d$run <- as.integer(d$run)
		d$status <- ifelse(d$status == "failed",
			sprintf('<span class="status-failed">%s</span>', d$status), htmltools::htmlEscape(d$status))
		d$job <- htmltools::htmlEscape(d$job)
		d
	}, striped = TRUE, sanitize.text.function = identity)
}

# NULL (undefined statistic) shows as a dash
coalesce_txt <- function(x) if (is.null(x) || length(x) == 0 || is.na(x)) "n/a" else x

shinyApp(ui, server)
