# vcf_parse_table ----------------------------------------------------------------

test_that("printed cells become numbers with explicit roles and decimals", {
  tab <- data.frame(
    row = c("Women, n (%)", "Age, median (range)", "Cement, median (IQR)", "VAS, mean (SD)",
            "Minor BME, %"),
    "Total (n = 64)" = c("49 (77)", "70 (47\u201388)", "3.0 (1.0-4.5)", "8.7 (1.4)", "6"),
    "P value" = c("<.001", ".95", "\u22120.5", "-", ""), check.names = FALSE)
  # a p of -0.5 is not a p value: the audit reports it, the parser keeps it
  x <- vcf_parse_table(tab, source = "Table 1")
  expect_named(x, c("id", "source", "row", "column", "group", "statistic", "value",
                    "reported", "digits", "n", "comparison"))
  age <- x[x$row == "Age, median (range)" & x$column == "Total (n = 64)", ]
  expect_equal(age$statistic, c("median", "min", "max"))
  expect_equal(age$value, c(70, 47, 88))
  cement <- x[x$row == "Cement, median (IQR)" & x$column == "Total (n = 64)", ]
  expect_equal(cement$statistic, c("median", "q1", "q3"))
  expect_equal(cement$value, c(3, 1, 4.5))
  expect_equal(cement$digits, c(1L, 1L, 1L))
  women <- x[x$row == "Women, n (%)", ]
  expect_equal(women$statistic, c("count", "percent", "p"))
  expect_equal(women$n, c(64, 64, NA))
  expect_equal(women$comparison[3], "<")
  expect_equal(women$digits[3], 3L)
  expect_equal(x$value[x$row == "Age, median (range)" & x$statistic == "p"], 0.95)
  expect_equal(x$value[x$row == "Cement, median (IQR)" & x$statistic == "p"], -0.5)
  # "-" and empty cells print no number
  expect_false(any(x$row == "VAS, mean (SD)" & x$statistic == "p"))
  expect_equal(x$statistic[x$row == "Minor BME, %"], "percent")
  # the column's n is itself a printed number
  expect_equal(x$value[x$statistic == "n"], 64)
  expect_equal(nrow(vcf_audit(x)[vcf_audit(x)$check == "order" &
                                  vcf_audit(x)$verdict == "inconsistent", ]), 1L)
})

test_that("n comes from the argument, the header or an n row, in that order", {
  tab <- data.frame(row = c("n", "Women, n (%)"), A = c("40", "31 (78)"), B = c("20", "5 (25)"))
  x <- vcf_parse_table(tab)
  expect_equal(x$n[x$statistic == "count"], c(40, 20))
  x <- vcf_parse_table(tab, n = c(A = 41))
  expect_equal(x$n[x$statistic == "count"], c(41, 20))
  expect_equal(vcf_audit(x)$verdict[vcf_audit(x)$check == "percent"], c("inconsistent", "consistent"))
  hdr <- data.frame(row = "Women, n (%)", "A (n = 40)" = "31 (78)", check.names = FALSE)
  expect_equal(vcf_parse_table(hdr)$n[1], 40)
})

test_that("the planted 31 (81%) of 40 is flagged, never read as 81% of 31", {
  tab <- data.frame(row = c("n", "Women, n (%)"), Total = c("40", "31 (81)"))
  a <- vcf_audit(vcf_parse_table(tab))
  expect_equal(a$verdict[a$check == "percent"], "inconsistent")
  expect_match(a$detail[a$check == "percent"], "out of 40")
  expect_match(a$detail[a$check == "percent"], "printed count is 31")
})

test_that("the parser refuses what it cannot tell, with classed errors", {
  tab <- data.frame(row = c("n", "Women"), Total = c("40", "31 (81)"))
  expect_error(vcf_parse_table(tab), class = "vcf_error_format")
  expect_snapshot(vcf_parse_table(tab), error = TRUE)
  # given the format, it reads the cell
  expect_equal(vcf_parse_table(tab, formats = c(Women = "n (%)"))$statistic[1:2],
               c("count", "percent"))
  expect_error(vcf_parse_table(data.frame(row = "Age, mean (SD)", A = "70 (5) (3)")),
               class = "vcf_error_cell")
  expect_snapshot(vcf_parse_table(data.frame(row = "Age, mean (SD)", A = "70 (5) (3)")),
                  error = TRUE)
  expect_error(vcf_parse_table(data.frame(row = "x", p = "<.000")), class = "vcf_error_p_bound")
  expect_error(vcf_parse_table(data.frame(row = "x", "P value" = "p < .000", check.names = FALSE)),
               class = "vcf_error_p_bound")
  expect_error(vcf_parse_table(list(1)), class = "vcf_error_type")
  expect_error(vcf_parse_table(data.frame(row = "x")), class = "vcf_error_type")
  expect_error(vcf_parse_table(tab, formats = c(Women = "n of %")), class = "vcf_error_format")
  expect_error(vcf_parse_table(tab, formats = "n (%)"), class = "vcf_error_type")
  expect_error(vcf_parse_table(tab, n = c(Total = 0)), class = "vcf_error_range")
  expect_error(vcf_parse_table(tab, source = 1), class = "vcf_error_argument")
})

test_that("statistics with an inequality keep it and are checked as intervals", {
  tab <- data.frame(row = "VAS", "Pre (n = 61)" = "7.8", "Post (n = 61)" = "3.2",
                    t = "<2.2", p = ".20", check.names = FALSE)
  x <- vcf_parse_table(tab, formats = c(VAS = "mean"))
  expect_equal(x$comparison[x$statistic == "t"], "<")
  a <- vcf_audit(x)
  expect_equal(a$verdict[a$check == "p"], "consistent")
  expect_match(a$detail[a$check == "p"], "t\\(60\\) < 2.2 gives two-sided p = 0.032 to 1.000")
})
