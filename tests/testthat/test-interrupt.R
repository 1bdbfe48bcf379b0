# Long computations stop at an interrupt and leave R usable. Each runs in a
# child R process (callr) that receives SIGINT once the computation is under
# way; the child catches the interrupt, notes when it arrived, and then runs
# a small computation to show that the session still works.

# Runs `long` (a function of no arguments, evaluated in the child with the
# package loaded) and interrupts it after `after` seconds. Returns the
# child's report: what the long call did, how long the interrupt took to
# land, and the result of a call made afterwards.
interrupt_child <- function(long, after = 1) {
  started_file <- tempfile("started")
  child <- callr::r_bg(function(long, started_file) {
    library(vcfoutcomes)
    writeLines("started", started_file)
    outcome <- tryCatch({
      long()
      list(what = "finished", at = Sys.time())
    }, interrupt = function(cnd) list(what = "interrupted", at = Sys.time()),
    error = function(cnd) {
      # an interrupt that lands inside a future (a volumetrics batch runs
      # its scans through future.apply) reaches us as future's error class
      what <- if (inherits(cnd, "FutureInterruptError")) "interrupted" else conditionMessage(cnd)
      list(what = what, at = Sys.time())
    })
    outcome$after <- vcf_counts(73, 61, rounding = "truncate")
    outcome
  }, args = list(long = long, started_file = started_file), libpath = .libPaths(),
  supervise = TRUE)
  on.exit(if (child$is_alive()) child$kill(), add = TRUE)
  # wait for the package to load and the long call to start
  for (i in 1:600) {
    if (file.exists(started_file) || !child$is_alive()) break
    Sys.sleep(0.1)
  }
  Sys.sleep(after)
  sent <- Sys.time()
  child$interrupt()
  child$wait(30000)
  report <- child$get_result()
  report$delay <- as.numeric(difftime(report$at, sent, units = "secs"))
  report
}

test_that("a long vcf_sprite() search stops within a second of an interrupt", {
  skip_on_cran()
  skip_on_os("windows")
  skip_if_not_installed("callr")
  # n = 2 values with mean 5 cannot have an SD of 2.0 (only 0, 1.41, 2.83,
  # ... exist), but the SD window lies inside what the range allows: the
  # search runs until max_iter = 1e10, many seconds
  report <- interrupt_child(function() {
    vcfoutcomes::vcf_sprite(2, mean = 5, sd = 2, min = 0, max = 10, max_iter = 1e10)
  })
  expect_equal(report$what, "interrupted")
  expect_lt(report$delay, 1)
  expect_equal(report$after, 45L)
})

test_that("a long vcf_sprite_paired() search stops within a second of an interrupt", {
  skip_on_cran()
  skip_on_os("windows")
  skip_if_not_installed("callr")
  # a t that needs more spread of the differences than the ranges allow
  report <- interrupt_child(function() {
    vcfoutcomes::vcf_sprite_paired(10, c(5, 4.9), c(4, 4), c(6, 6), t = 0.01, max_iter = 1e10)
  })
  expect_equal(report$what, "interrupted")
  expect_lt(report$delay, 1)
  expect_equal(report$after, 45L)
})

test_that("a long vcf_boot_lm(B = 1e6) stops within a second of an interrupt", {
  skip_on_cran()
  skip_on_os("windows")
  skip_if_not_installed("callr")
  # 3,000 rows in 1,500 clusters: about ten seconds of replicates on one
  # core (with 300 rows the run could end before the interrupt was sent)
  report <- interrupt_child(function() {
    set.seed(1)
    d <- data.frame(patient = rep(1:1500, length.out = 3000), x = stats::rnorm(3000),
                    g = rep(c("a", "b"), 1500), y = stats::rnorm(3000))
    vcfoutcomes::vcf_boot_lm(y ~ x + g, d, cluster = "patient", B = 1e6, type = "perc",
                             seed = 1, threads = 1)
  })
  expect_equal(report$what, "interrupted")
  expect_lt(report$delay, 1)
  expect_equal(report$after, 45L)
})

test_that("a long vcf_grimmer() search stops within a second of an interrupt", {
  skip_on_cran()
  skip_on_os("windows")
  skip_if_not_installed("callr")
  # 200,000 rows whose SD of about 30,000 leaves every sum of squares of
  # three integers to try: tens of milliseconds a row, an hour in all
  report <- interrupt_child(function() {
    vcfoutcomes::vcf_grimmer(rep("12.5", 2e5), rep("30000.5", 2e5), n = 3, threads = 1)
  })
  expect_equal(report$what, "interrupted")
  expect_lt(report$delay, 1)
  expect_equal(report$after, 45L)
})

test_that("a long vcf_volumetrics() batch stops within a second of an interrupt", {
  skip_on_cran()
  skip_on_os("windows")
  skip_if_not_installed("callr")
  # 2,000 scans (the bundled one under 2,000 names), one after another
  report <- interrupt_child(function() {
    path <- function(f) system.file("extdata", f, package = "vcfoutcomes")
    scans <- stats::setNames(rep(path("scan1_vertebrae.nii.gz"), 2000), paste0("s", 1:2000))
    edema <- rep(path("scan1_bme.nii.gz"), 2000)
    vcfoutcomes::vcf_volumetrics(scans, edema)
  })
  expect_equal(report$what, "interrupted")
  expect_lt(report$delay, 1)
  expect_equal(report$after, 45L)
})
