test_that("vcf_level reads names, Th/D spellings, spaces and VerSe codes", {
  x <- c("T12", "th12", "Th 12", "D12", " l1 ", "20", "L6", "T13", "C1")
  expect_equal(as.character(vcf_level(x)),
               c("T12", "T12", "T12", "T12", "L1", "L1", "L6", "T13", "C1"))
  expect_equal(as.character(vcf_level(c(19L, 20L, 28L, 99L))), c("T12", "L1", "T13", NA))
  expect_equal(as.character(vcf_level(factor(c("L2", "x")))), c("L2", NA))
  expect_equal(as.character(vcf_level(c(NA, NA))), c(NA_character_, NA_character_))
  expect_true(vcf_level("T12") < vcf_level("L1"))
  expect_equal(levels(vcf_level("L1"))[c(1, 20, 26)], c("C1", "T13", "L6"))
})

test_that("vcf_level refuses values that are not names or codes", {
  expect_error(vcf_level(list(1, "a")), class = "vcf_error_type")
  expect_error(vcf_level(as.Date("2020-01-01")), class = "vcf_error_argument")
  expect_snapshot(vcf_level(list(1, "a")), error = TRUE)
})

test_that("cells naming two levels are recognised", {
  lists <- vcfoutcomes:::is_level_list(c("L1/L2", "T12-L1", "L1, L2", "Th11 / Th12", "L1",
                                         "T12", "x/y"))
  expect_equal(lists, c(TRUE, TRUE, TRUE, TRUE, FALSE, FALSE, FALSE))
})

test_that("vcf_level takes names, factors of names and codes; other types are classed errors", {
  expect_equal(as.character(vcf_level(factor(c("x", "y")))), c(NA_character_, NA_character_))
  expect_error(vcf_level(function() 1), class = "vcf_error_type")
  expect_error(vcf_level(list("T12")), class = "vcf_error_type")
  expect_error(vcf_level(Sys.Date()), class = "vcf_error_type")
  expect_error(vcf_level(data.frame(a = "T12")), class = "vcf_error_type")
})

test_that("vcf_level rejects invalid UTF-8 text with a classed error", {
  bad <- "L1\xff"
  Encoding(bad) <- "UTF-8"
  expect_error(vcf_level(c("T12", bad)), class = "vcf_error_encoding")
  latin <- "T12"
  Encoding(latin) <- "latin1"
  expect_equal(as.character(vcf_level(latin)), "T12")
})
