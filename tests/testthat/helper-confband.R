# An independent solution of the equal-precision non-crossing probability:
# P(sup |U| <= c) over an Ornstein-Uhlenbeck time span L, started stationary.
ep_prob_fd <- function(c, L) {
  one <- function(M, Tn) {
    h <- 2 * c / M
    y <- seq(-c, c, length.out = M + 1)[2:M]
    m <- M - 1
    dt <- L / Tn
    A <- matrix(0, m, m)
    A[cbind(1:m, 1:m)] <- -1 / h^2
    A[cbind(2:m, 1:(m - 1))] <- (0.5 / h^2 + y / (4 * h))[-1]
    A[cbind(1:(m - 1), 2:m)] <- (0.5 / h^2 - y / (4 * h))[-m]
    I <- diag(m)
    v <- rep(1, m)
    be <- solve(I - (dt / 2) * A)
    for (i in 1:4) v <- be %*% v
    cn <- solve(I - (dt / 2) * A, I + (dt / 2) * A)
    for (i in 3:Tn) v <- cn %*% v
    f <- dnorm(seq(-c, c, length.out = M + 1)) * c(0, v, 0)
    h * (sum(f) - (f[1] + f[M + 1]) / 2)
  }
  (4 * one(200, 800) - one(100, 400)) / 3
}
