# Fisher's exact test of r x c tables by the network algorithm with exact
# path bounds: equal to fisher.test() on random tables of many shapes and
# margins (skewed, with small and large cells), on the tables where the
# bounds decide whole subtrees, and under any order of rows and columns.

compare_fisher <- vcfoutcomes:::compare_fisher

# Rows of a count matrix: variable levels by groups.
fisher_rows <- function(m) {
  list(x = factor(rep(rep(seq_len(nrow(m)), ncol(m)), c(m)), levels = seq_len(nrow(m))),
       g = factor(rep(rep(seq_len(ncol(m)), each = nrow(m)), c(m)), levels = seq_len(ncol(m))))
}

random_counts <- function(dims, n, skew) {
  repeat {
    w <- if (skew) stats::rexp(prod(dims))^2 + 0.01 else stats::runif(prod(dims)) + 0.3
    m <- matrix(stats::rmultinom(1, n, w), dims[1], dims[2])
    if (all(rowSums(m) > 0) && all(colSums(m) > 0)) return(m)
  }
}

test_that("r x c Fisher equals fisher.test() on random tables up to 3 x 5 and n = 200", {
  set.seed(301)
  cl <- collector()
  shapes <- list(c(2, 3), c(3, 2), c(2, 5), c(3, 3), c(3, 4), c(4, 3), c(2, 6), c(3, 5), c(5, 2))
  for (i in seq_len(90)) {
    dims <- shapes[[i %% length(shapes) + 1]]
    n <- if (prod(dims) <= 8) sample(c(5:60, 100, 200), 1) else sample(c(5:60, 80), 1)
    m <- random_counts(dims, n, skew = i %% 3 == 0)
    ref <- stats::fisher.test(m, workspace = 2e7)$p.value
    d <- fisher_rows(m)
    res <- compare_fisher(d$x, d$g)
    cl$add("p_value", res$p_value, ref)
    # the table transposed, and its rows and columns permuted
    tm <- t(m)[sample(ncol(m)), sample(nrow(m)), drop = FALSE]
    dt <- fisher_rows(tm)
    cl$add("p_value_permuted", compare_fisher(dt$x, dt$g)$p_value, ref)
  }
  cl$check(min_cases = 90)
})

test_that("r x c Fisher equals fisher.test() on tables with many rows and few columns", {
  set.seed(302)
  cl <- collector()
  for (i in seq_len(30)) {
    dims <- c(sample(6:12, 1), 2)
    m <- random_counts(dims, sample(10:50, 1), skew = i %% 2 == 0)
    ref <- stats::fisher.test(m, workspace = 2e7)$p.value
    d <- fisher_rows(m)
    cl$add("p_value", compare_fisher(d$x, d$g)$p_value, ref)
  }
  cl$check(min_cases = 30)
})

test_that("tables with a dominant cell or uniform counts keep fisher.test()'s p-value", {
  # uniform counts: every bound ties the observed value (p = 1 cases), and a
  # dominant cell: whole subtrees fall below it
  tables <- list(matrix(3, 3, 4), matrix(5, 2, 5), diag(c(9, 7, 8)),
                 rbind(c(20, 1, 0), c(0, 1, 1), c(1, 0, 1)),
                 rbind(c(1, 1, 1, 1), c(1, 1, 1, 1), c(0, 0, 0, 12)))
  for (m in tables) {
    d <- fisher_rows(m)
    expect_equal(compare_fisher(d$x, d$g)$p_value,
                 stats::fisher.test(m, workspace = 2e7)$p.value, tolerance = tol)
  }
})
