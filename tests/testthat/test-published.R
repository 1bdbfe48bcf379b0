# vcf_published(): the numbers printed in the two bundled studies.

studies <- c("pv_edema", "bkp_osteonecrosis")
vocabulary <- c("n", "count", "percent", "mean", "median", "min", "max", "sd",
                "t", "df", "p", "coef", "ci_low", "ci_high", "mean_diff", "value")

# An independent reading of `reported`: numbers in order, then the one a
# statistic takes. A "-" is a minus sign only at the start of the text or
# after a space or "(" ("-4.4-1.7" is -4.4 to 1.7, "(47-88)" is 47 to 88);
# number words count ("Seven", "average nine weeks").
# Prints that hold their number as a word or a label: a vertebra (numbered
# from C1 = 1, so T5 = 12 and L5 = 24), an analgesic class (0 none ... 3
# opiate), "no" and "all".
label_readings <- c("from T5" = 12, "through L5" = 24, "morphine" = 3,
                    "no pain medication" = 0, "No technical failures" = 0,
                    "No technical failures or procedural" = 0,
                    "No major peri-operative complications" = 0,
                    "All the osteonecrosis" = 100)

read_reported <- function(reported, statistic) {
  if (identical(reported, "-")) return(list(value = NA_real_, digits = NA_integer_))
  if (reported %in% names(label_readings)) {
    return(list(value = label_readings[[reported]], digits = 0L))
  }
  pattern <- "(?:^|(?<=[ (]))-?[0-9]*\\.?[0-9]+|[0-9]*\\.?[0-9]+"
  tokens <- regmatches(reported, gregexpr(pattern, reported, perl = TRUE))[[1]]
  word_values <- c(one = "1", two = "2", three = "3", four = "4", five = "5",
                   six = "6", seven = "7", eight = "8", nine = "9", ten = "10")
  words <- strsplit(tolower(reported), "[^a-z]+")[[1]]
  tokens <- c(tokens, unname(word_values[words[words %in% names(word_values)]]))
  numbers <- as.numeric(tokens)
  pick <- switch(as.character(length(tokens)),
    "1" = 1L,
    "2" = switch(statistic, count = , min = , ci_low = 1L, percent = , max = , ci_high = 2L, NA),
    "3" = switch(statistic, mean = , median = 1L,
                 min = 1L + which.min(numbers[2:3]),
                 max = 1L + which.max(numbers[2:3]), NA),
    NA)
  if (is.na(pick)) stop("cannot read '", reported, "' as ", statistic)
  token <- tokens[pick]
  digits <- if (grepl(".", token, fixed = TRUE)) nchar(sub(".*\\.", "", token)) else 0L
  list(value = numbers[pick], digits = as.integer(digits))
}

get_value <- function(data, id) {
  expect_true(id %in% data$id, label = id)
  data[data$id == id, , drop = FALSE]
}

test_that("both studies load as validated data frames", {
  for (study in studies) {
    x <- vcf_published(study)
    expect_s3_class(x, "data.frame")
    expect_s3_class(x, "vcf_published")
    expect_identical(attr(x, "study"), study)
    expect_named(x, c("id", "source", "row", "column", "group", "statistic",
                      "value", "reported", "digits", "n", "comparison", "unit"))
    types <- vapply(x, typeof, "")
    expect_equal(unname(types[c("value", "digits", "n")]),
                 c("double", "integer", "integer"))
    chr <- c("id", "source", "row", "column", "group", "statistic", "reported",
             "comparison", "unit")
    expect_true(all(types[chr] == "character"))
    expect_false(anyNA(x[c("id", "source", "row", "statistic", "reported")]))
    expect_false(anyDuplicated(x$id) > 0)
    prefix <- c(pv_edema = "pv.", bkp_osteonecrosis = "bkp.")[[study]]
    expect_true(all(startsWith(x$id, prefix)))
    expect_true(all(grepl("^[a-z0-9_.]+$", x$id)))
    expect_true(all(x$statistic %in% vocabulary))
    expect_true(all(x$unit %in% c("patient", "fracture")))
    expect_true(all(is.na(x$comparison) | x$comparison %in% c("=", "<", ">")))
    # every p-value says how it compares; nothing else but printed bounds does
    p <- x$statistic == "p" & !is.na(x$value)
    expect_true(all(!is.na(x$comparison[p])))
    # ASCII only, everywhere
    text <- unlist(x[vapply(x, is.character, TRUE)])
    expect_false(any(grepl("[^ -~]", text[!is.na(text)])))
  }
  expect_identical(vcf_published(), vcf_published("pv_edema"))
})

test_that("an unknown study is a classed error", {
  expect_error(vcf_published("pv"), class = "vcf_error_unknown_study")
  expect_error(vcf_published(1), class = "vcf_error_argument")
  expect_error(vcf_published(c("pv_edema", "pv_edema")), class = "vcf_error_unknown_study")
  expect_snapshot(vcf_published("vertebroplasty"), error = TRUE)
})

test_that("malformed tables are rejected with the rows at fault", {
  x <- as.data.frame(vcf_published("bkp_osteonecrosis"))
  bad <- x
  bad$statistic[3] <- "average"
  expect_error(vcfoutcomes:::check_published(bad, "x.csv"),
               class = "vcf_error_published_format")
  bad <- x
  bad$id[4] <- bad$id[1]
  expect_error(vcfoutcomes:::check_published(bad, "x.csv"), "row 4")
  expect_error(vcfoutcomes:::check_published(x[-1], "x.csv"),
               class = "vcf_error_published_format")
})

test_that("every value and its digits are the reading of what was printed", {
  for (study in studies) {
    x <- vcf_published(study)
    for (i in seq_len(nrow(x))) {
      read <- read_reported(x$reported[i], x$statistic[i])
      expect_equal(x$value[i], read$value, label = x$id[i])
      expect_identical(x$digits[i], read$digits, label = x$id[i])
    }
    # a dash is the only reported text without a number
    expect_identical(is.na(x$value), x$reported == "-")
    # ranges are ordered, percents and p-values in range
    pct <- x$statistic == "percent" & !is.na(x$value)
    expect_true(all(x$value[pct] >= 0 & x$value[pct] <= 100))
    p <- x$statistic == "p" & !is.na(x$value)
    expect_true(all(x$value[p] > 0 & x$value[p] <= 1))
    cells <- split(x, paste(x$source, x$row, x$column, x$group, x$reported))
    for (cl in cells) {
      if (all(c("min", "max") %in% cl$statistic)) {
        lo <- cl$value[cl$statistic == "min"]
        hi <- cl$value[cl$statistic == "max"]
        mid <- cl$value[cl$statistic %in% c("mean", "median")]
        expect_true(lo <= hi)
        expect_true(all(mid >= lo & mid <= hi), label = cl$id[1])
      }
      if ("ci_low" %in% cl$statistic) {
        expect_true(cl$value[cl$statistic == "ci_low"] < cl$value[cl$statistic == "ci_high"])
      }
    }
  }
})

test_that("spot checks against the articles", {
  pv <- vcf_published("pv_edema")
  bkp <- vcf_published("bkp_osteonecrosis")
  v <- function(data, id) get_value(data, id)$value

  # PV Table 1 as printed, inconsistencies and all
  r <- get_value(pv, "pv.t1.women_count.b")
  expect_equal(c(r$value, v(pv, "pv.t1.women_percent.b")), c(8, 24))
  expect_identical(r$reported, "8 (24)")
  expect_identical(r$n, 33L)
  expect_equal(v(pv, "pv.t1.women_p"), 0.9)
  expect_equal(v(pv, "pv.t1.vcf_treated_n.b"), 59)
  expect_equal(c(v(pv, "pv.t1.cement_ml_median.b"), v(pv, "pv.t1.cement_ml_min.b"),
                 v(pv, "pv.t1.cement_ml_max.b")), c(2.6, 0.8, 4.0))
  r <- get_value(pv, "pv.t1.vas0_median.total")
  expect_equal(r$value, 9)
  expect_identical(r$digits, 1L)
  expect_identical(get_value(pv, "pv.t1.vas0_median.b")$digits, 0L)
  expect_equal(v(pv, "pv.t1.vas0_p"), 0.02)
  expect_equal(v(pv, "pv.t1.analgesic0_opiate_percent.b"), 61)
  expect_identical(get_value(pv, "pv.t1.analgesic0_opiate_percent.b")$row,
                   "Initial pain medication (%): Operative")
  expect_equal(v(pv, "pv.t1.bme_extent_p"), 0.95)
  expect_true(is.na(v(pv, "pv.t1.multiple_treated_count.a")))

  # PV Table 2
  expect_equal(pv$value[pv$source == "Table 2" & pv$row == "No. of VCF with BME"],
               c(31, 20, 17))
  expect_equal(v(pv, "pv.t2.vas_decrease_mean.0_3"), 6.1)
  expect_equal(v(pv, "pv.t2.analgesic_decrease_percent.6_12"), 7)
  expect_identical(get_value(pv, "pv.t2.bme_decrease_percent.3_6")$n, 20L)

  # PV Table 3: minus signs restored, odd prints kept
  r <- get_value(pv, "pv.t3.decrease_vs_similar_ci_low.vas.0_3")
  expect_equal(r$value, -4.4)
  expect_identical(r$reported, "-4.4-1.7")
  expect_equal(v(pv, "pv.t3.decrease_vs_similar_ci_high.vas.0_3"), 1.7)
  expect_equal(v(pv, "pv.t3.decrease_vs_similar_coef.vas.0_3"), 1.3)
  r <- get_value(pv, "pv.t3.decrease_bme.vas.3_6")
  expect_identical(c(r$reported, r$statistic), c("0.4%", "mean"))
  expect_equal(r$value, 0.4)
  r <- get_value(pv, "pv.t3.absent_vs_present_coef.analgesic.3_6")
  expect_equal(r$value, 0.02)
  expect_identical(r$digits, 2L)
  expect_equal(v(pv, "pv.t3.absent_vs_present_ci_high.vas.3_6"), 0.07)

  # PV text
  cement <- pv[startsWith(pv$id, "pv.methods.cement_count."), ]
  expect_equal(cement$value, c(14, 27, 28, 20))
  expect_equal(sum(cement$value), 89)
  expect_equal(c(v(pv, "pv.methods.vcf_per_patient_median"),
                 v(pv, "pv.methods.vcf_per_patient_min"),
                 v(pv, "pv.methods.vcf_per_patient_max")), c(3, 1, 10))
  expect_equal(c(v(pv, "pv.methods.multiple_treated_count.2vcf"),
                 v(pv, "pv.methods.multiple_treated_count.3vcf"),
                 v(pv, "pv.methods.multiple_treated_count.5vcf")), c(15, 3, 1))
  expect_equal(v(pv, "pv.methods.single_treated_new_vcf_count"), 7)
  expect_equal(pv$value[startsWith(pv$id, "pv.results.bme_resolved_percent.")], c(35, 54, 71))
  expect_equal(pv$value[startsWith(pv$id, "pv.results.bright_rim_count.")], c(22, 35, 40))
  expect_equal(pv$value[startsWith(pv$id, "pv.results.bright_rim_percent.")], c(76, 73, 64))
  r <- get_value(pv, "pv.results.vas_analgesic_vs_initial_p")
  expect_identical(c(r$reported, r$comparison), c("P < .001", "<"))
  expect_equal(c(v(pv, "pv.results.vas_increase_count.12mo"),
                 v(pv, "pv.results.vas_increase_percent.12mo")), c(5, 16))
  expect_equal(c(v(pv, "pv.discussion.fracture_age_mean"), v(pv, "pv.discussion.fracture_age_min"),
                 v(pv, "pv.discussion.fracture_age_max")), c(5.5, 2, 48))
  expect_equal(v(pv, "pv.discussion.bme_present_percent.3mo"), 65)
  expect_equal(v(pv, "pv.abstract.bme_present_percent.12mo"), 29)
  fig2 <- pv[pv$source == "Figure 2 legend", ]
  expect_equal(fig2$value, c(10, 2, 1, 1, 3, 0, 0, 0, 75, 25, 20, 0))
  expect_equal(c(v(pv, "pv.methods.treated_level_min"), v(pv, "pv.methods.treated_level_max")),
               c(12, 24))
  expect_equal(v(pv, "pv.methods.inclusion_tscore_max"), -2)

  # BKP
  r <- get_value(bkp, "bkp.t1.height_pct_t")
  expect_equal(r$value, -12.43)
  expect_identical(r$n, 61L)
  r <- get_value(bkp, "bkp.t1.height_pct_p")
  expect_identical(c(r$reported, r$comparison), c("<.0001", "<"))
  expect_equal(r$value, 1e-4)
  expect_identical(r$digits, 4L)
  expect_equal(c(v(bkp, "bkp.t1.height_pct_mean.pre"), v(bkp, "bkp.t1.height_pct_min.pre"),
                 v(bkp, "bkp.t1.height_pct_max.pre")), c(34.7, 18, 53))
  expect_equal(c(v(bkp, "bkp.t2.height_pct_mean.final"), v(bkp, "bkp.t2.height_pct_min.final"),
                 v(bkp, "bkp.t2.height_pct_max.final")), c(53.1, 33, 71))
  expect_equal(v(bkp, "bkp.t2.vas_p"), 0.0965)
  expect_equal(bkp$value[bkp$statistic == "t"], c(-12.43, 21.03, 18.49, 2.12, 1.82, 2.01))
  expect_equal(c(v(bkp, "bkp.t1.odi_mean.pre"), v(bkp, "bkp.t2.odi_mean.final")), c(80.9, 25.3))
  expect_equal(c(v(bkp, "bkp.results.follow_up_months_mean"),
                 v(bkp, "bkp.results.follow_up_months_min"),
                 v(bkp, "bkp.results.follow_up_months_max")), c(27.4, 18, 53))
  expect_equal(c(v(bkp, "bkp.methods.women_count"), v(bkp, "bkp.methods.men_count")), c(41, 20))
  expect_equal(v(bkp, "bkp.methods.symptom_duration_mean"), 9)
  expect_equal(bkp$value[startsWith(bkp$id, "bkp.results.") & bkp$statistic == "percent"],
               c(54, 73, 98, 90, 8, 100, 68, 32))
  expect_equal(c(v(bkp, "bkp.methods.vas_scale_min"), v(bkp, "bkp.methods.vas_scale_max")),
               c(1, 10))
})

test_that("every table cell of both studies is present", {
  pv <- vcf_published("pv_edema")
  bkp <- vcf_published("bkp_osteonecrosis")
  count_by <- function(x, table, by) {
    v <- x[[by]][x$source == table]
    v[is.na(v)] <- "(none)"
    as.list(c(table(v)))
  }
  cells <- function(x, table) {
    x <- x[x$source == table & x$row != "Title", ]
    nrow(unique(x[c("row", "column")]))
  }

  # PV Table 1: 26 printed rows; 91 cells (26 x 3 groups + 13 P values),
  # 124 numbers once "n (%)" and "median (range)" cells are split.
  expect_equal(sum(pv$source == "Table 1"), 124)
  expect_equal(cells(pv, "Table 1"), 91)
  expect_equal(length(unique(pv$row[pv$source == "Table 1"])), 26)
  expect_mapequal(count_by(pv, "Table 1", "column"),
                  list("Total Group" = 38, "Subgroup A" = 35, "Subgroup B" = 38,
                       "P Value" = 13))
  expect_mapequal(count_by(pv, "Table 1", "statistic"),
                  list(n = 6, count = 12, percent = 45, median = 12, min = 12,
                       max = 12, mean = 12, p = 13))
  expect_equal(sum(pv$source == "Table 1" & pv$reported == "-"), 7)

  # PV Table 2: title n + 11 rows x 3 intervals
  expect_equal(sum(pv$source == "Table 2"), 34)
  expect_equal(cells(pv, "Table 2"), 33)
  expect_mapequal(count_by(pv, "Table 2", "column"),
                  list("(none)" = 1, "0-3 mo" = 11, "3-6" = 11, "6-12 mo" = 11))
  expect_mapequal(count_by(pv, "Table 2", "statistic"),
                  list(n = 1, count = 3, percent = 27, mean = 3))
  expect_equal(sum(pv$source == "Table 2" & pv$reported == "-"), 6)

  # PV Table 3: title n + 8 rows x 6 columns, the two CI rows split in two
  expect_equal(sum(pv$source == "Table 3"), 61)
  expect_equal(cells(pv, "Table 3"), 48)
  t3 <- count_by(pv, "Table 3", "column")
  expect_mapequal(t3, c(list("(none)" = 1), stats::setNames(as.list(rep(10, 6)), paste0(
    rep(c("0-3 mo", "3-6 mo", "6-12 mo"), each = 2), ", ",
    c("Decrease Mean VAS", "Decrease Analgesic Use")))))
  expect_mapequal(count_by(pv, "Table 3", "statistic"),
                  list(n = 1, mean = 12, percent = 12, coef = 12, ci_low = 12, ci_high = 12))

  # BKP Tables 1 and 2: title n + 3 rows x (2 visits x 3 + t + p)
  for (tab in c("Table 1", "Table 2")) {
    expect_equal(sum(bkp$source == tab), 25)
    expect_equal(cells(bkp, tab), 12)
    expect_mapequal(count_by(bkp, tab, "statistic"),
                    list(n = 1, mean = 6, min = 6, max = 6, t = 3, p = 3))
  }
  expect_mapequal(count_by(bkp, "Table 1", "column"),
                  list("(none)" = 1, "Pre-operative" = 9, "Post-operative" = 9, t = 3, p = 3))
  expect_mapequal(count_by(bkp, "Table 2", "column"),
                  list("(none)" = 1, "Post-operative" = 9, "Final follow-up" = 9, t = 3, p = 3))

  # text and legends
  expect_mapequal(as.list(c(table(pv$source))),
                  list(Abstract = 4, Methods = 37, "Table 1" = 124, Results = 22,
                       Discussion = 5, "Figure 1 legend" = 2, "Figure 2 legend" = 12,
                       "Figure 4 legend" = 1, "Figure 5 legend" = 1, "Table 2" = 34,
                       "Table 3" = 61))
  expect_mapequal(as.list(c(table(bkp$source))),
                  list(Abstract = 9, Methods = 12, Results = 12, Discussion = 5,
                       "Figure 1-3 legend" = 2, "Table 1" = 25, "Table 2" = 25))
})

# The articles themselves, where the checkout has them beside it
# (../shared/seeds); the tests above stand without them.
seed_file <- function(name) {
  dirs <- c(Sys.getenv("VCF_SEEDS_DIR"),
            test_path("..", "..", "..", "shared", "seeds"),
            test_path("..", "..", "..", "..", "shared", "seeds"))
  paths <- file.path(dirs[nzchar(dirs)], name)
  paths[file.exists(paths)][1]
}

paper_lines <- function(path) {
  text <- paste(readLines(path, encoding = "UTF-8", warn = FALSE), collapse = "\n")
  text <- gsub("[\u2013\u2014]", "-", text)
  text <- gsub("\ufffd", "?", text)        # characters the extraction lost
  text <- gsub("\u2605", "*", text)
  text <- gsub("\u2264", "<=", text)
  text <- gsub("\\(%\\s*\\*\\s*\\)", "(%*)", text)  # BKP row label split over lines
  lines <- strsplit(text, "\n", fixed = TRUE)[[1]]
  trimws(gsub("\\s+", " ", lines))
}

# A regex for printed text: "-", "<" and "=" also match a lost character.
printed_regex <- function(x) {
  x <- gsub("([][{}()+*^$|\\\\.?])", "\\\\\\1", x)
  gsub("[-<=]", "[-<=?]", x)
}

check_tables_against_paper <- function(data, lines, blocks, anchors) {
  for (table in names(blocks)) {
    start <- which(startsWith(lines, blocks[[table]][1]))[1]
    end <- start + which(startsWith(lines[-seq_len(start)], blocks[[table]][2]))[1]
    if (is.na(end)) end <- length(lines)
    expect_false(is.na(start), label = paste(table, "found"))
    x <- data[data$source == table & data$row != "Title", ]
    used <- integer()
    for (row in unique(x$row)) {
      r <- x[x$row == row, ]
      parts <- strsplit(row, ": ", fixed = TRUE)[[1]]
      base <- parts[length(parts)]
      from <- start
      if (length(parts) > 1L) {
        parent <- anchors[parts[1]]
        if (is.na(parent)) parent <- parts[1]
        from <- start + which(startsWith(lines[(start + 1):end], parent))[1]
      }
      prefix <- substr(base, 1, 30)
      at <- from + which(startsWith(lines[(from + 1):end], prefix))[1]
      expect_false(is.na(at), label = paste(table, row))
      if (is.na(at)) next
      printed <- vapply(split(r$reported, factor(r$column, unique(r$column))),
                        function(s) { expect_length(unique(s), 1L); s[1] }, "")
      m <- regexpr(paste0(" ", printed_regex(paste(printed, collapse = " ")), "$"), lines[at])
      expect_true(m > 0, label = paste0(table, " '", row, "' printed as '", lines[at], "'"))
      if (m > 0) expect_true(startsWith(base, substr(lines[at], 1, m - 1)),
                             label = paste(table, row, "label"))
      used <- c(used, at)
    }
    expect_false(anyDuplicated(used) > 0, label = paste(table, "rows on distinct lines"))
    # every printed line of the table body that ends in a cell is transcribed
    body <- (start + 1):end
    data_lines <- body[grepl("[0-9%-]$", lines[body])]
    expect_setequal(used, data_lines)
  }
}

check_text_against_paper <- function(data, lines) {
  text <- paste(lines, collapse = " ")
  x <- data[!startsWith(data$source, "Table") | data$row == "Title", ]
  for (reported in unique(x$reported)) {
    pattern <- paste0("(?<![0-9.])", printed_regex(reported), "(?![0-9])")
    expect_true(grepl(pattern, text, perl = TRUE), label = paste0("'", reported, "' in the text"))
  }
}

test_that("the PV transcription matches the article line by line", {
  path <- seed_file("000_408bba6a97620921.txt")
  skip_if(is.na(path), "the PV article is not beside the checkout")
  lines <- paper_lines(path)
  pv <- vcf_published("pv_edema")
  check_tables_against_paper(
    pv, lines,
    blocks = list("Table 1" = c("Table 1:", "Note:"),
                  "Table 2" = c("Table 2:", "before PV and at every follow-up"),
                  "Table 3" = c("Change in BME Extent", "\u0001")),
    anchors = c("Change in VAS" = "Mean decrease in VAS",
                "Decrease in BME vs Similar BME" = "Decrease in BME",
                "BME absent vs BME present" = "BME absent"))
  check_text_against_paper(pv, lines)
  text <- paste(lines, collapse = " ")
  for (series in c("pv.fig2.example_vas.", "pv.fig2.example_bme_pct.")) {
    fig2 <- pv$reported[startsWith(pv$id, series)]
    expect_match(text, paste0(fig2[1], ", ", fig2[2], ", ", fig2[3], ", and ", fig2[4],
                              ", respectively"), fixed = TRUE)
  }
})

test_that("the BKP transcription matches the article line by line", {
  path <- seed_file("003_09b4c2b4985adc8c.txt")
  skip_if(is.na(path), "the BKP article is not beside the checkout")
  lines <- paper_lines(path)
  bkp <- vcf_published("bkp_osteonecrosis")
  check_tables_against_paper(
    bkp, lines,
    blocks = list("Table 1" = c("Table 1.", "*Anterior"),
                  "Table 2" = c("Table 2.", "*Anterior")),
    anchors = character())
  check_text_against_paper(bkp, lines)
})
