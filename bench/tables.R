# Table 1 on a simulated registry: vcf_table1() against tableone and
# gtsummary on the same data in the same process. Prints times and ratios.
# Run with `make bench` (installs tableone and gtsummary from CRAN).
suppressPackageStartupMessages(library(vcfoutcomes))

n <- as.integer(Sys.getenv("BENCH_TABLE1_N", "1000000"))
set.seed(42)
registry <- data.frame(
  group = sample(c("A", "B"), n, replace = TRUE),
  age = round(rnorm(n, 70, 9)), bmi = rnorm(n, 26, 4), t_score = rnorm(n, -2.8, 0.7),
  vas = sample(0:10, n, replace = TRUE), odi = runif(n, 0, 100), cement_ml = rgamma(n, 6, 2),
  sex = sample(c("female", "male"), n, replace = TRUE, prob = c(0.75, 0.25)),
  shape = sample(c("wedge", "biconcave", "crush"), n, replace = TRUE),
  analgesic = sample(c("none", "paracetamol", "NSAID", "opiate"), n, replace = TRUE),
  site = sample(paste0("site", 1:6), n, replace = TRUE),
  stringsAsFactors = TRUE)
vars <- setdiff(names(registry), "group")

time_it <- function(expr) {
  gc()
  unname(system.time(expr)[["elapsed"]])
}

cat(sprintf("Table 1 benchmark: %d patients, %d variables (6 continuous, 4 categorical), 2 groups\n",
            n, length(vars)))
t_vcf <- time_it(tab <- vcf_table1(registry, by = "group"))
cat(sprintf("  vcf_table1                      %8.2f s\n", t_vcf))

if (requireNamespace("tableone", quietly = TRUE)) {
  t_tableone <- time_it(tableone::CreateTableOne(vars = vars, strata = "group",
                                                 data = registry, test = TRUE))
  cat(sprintf("  tableone::CreateTableOne        %8.2f s   ratio %6.1fx\n",
              t_tableone, t_tableone / t_vcf))
} else {
  cat("  tableone not installed: run `make bench-deps`\n")
}

if (requireNamespace("gtsummary", quietly = TRUE)) {
  t_gt <- time_it(gtsummary::add_p(gtsummary::tbl_summary(registry, by = "group")))
  cat(sprintf("  gtsummary tbl_summary + add_p   %8.2f s   ratio %6.1fx\n", t_gt, t_gt / t_vcf))
} else {
  cat("  gtsummary not installed: run `make bench-deps`\n")
}
