using MathNet.Numerics.LinearAlgebra;
using Ppl.Inference.Smc;
using Xunit;

namespace Ppl.Inference.Tests.Smc;

/// <summary>
/// The Kalman oracle against the joint Gaussian of (y₁ … y_T) written down directly: Cov(xₛ, xₜ) from the
/// AR(1) recursion, plus r on the diagonal, and the log density by Cholesky. The same filter for another
/// initial variance (the negative control) gives a different value.
/// </summary>
public class ScalarKalmanTests
{
    private static double JointLogDensity(double[] ys, double a, double q, double r, double v0)
    {
        var n = ys.Length;
        // Var(x_t) by the recursion from Var(x₀) = v0; Cov(x_s, x_t) = a^(t−s) Var(x_s) for s ≤ t.
        var v = new double[n];
        var prev = v0;
        for (var t = 0; t < n; t++) prev = v[t] = a * a * prev + q;
        var cov = Matrix<double>.Build.Dense(n, n, (i, j) => Math.Pow(a, Math.Abs(i - j)) * v[Math.Min(i, j)] + (i == j ? r : 0));
        var chol = cov.Cholesky();
        var y = Vector<double>.Build.DenseOfArray(ys);
        return -0.5 * (y * chol.Solve(y) + chol.DeterminantLn + n * Math.Log(2 * Math.PI));
    }

    [Theory]
    [InlineData(0.9, 1.0, 0.25, 1.0)]
    [InlineData(0.9, 1.0, 0.25, 0.0)]
    [InlineData(-0.5, 0.3, 2.0, 4.0)]
    public void LogEvidenceIsTheJointGaussianDensity(double a, double q, double r, double v0)
    {
        var rng = new Rng(5);
        var ys = Enumerable.Range(0, 8).Select(_ => 2 * rng.NextGaussian()).ToArray();
        var exact = JointLogDensity(ys, a, q, r, v0);
        Assert.Equal(exact, ScalarKalman.Filter(ys, a, q, r, v0).LogEvidence, 9);
        // Negative control: a different initial variance is a different model.
        Assert.NotEqual(exact, ScalarKalman.Filter(ys, a, q, r, v0 + 1).LogEvidence, 3);
    }

    [Fact]
    public void BadVariancesAreRefusedByName()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => ScalarKalman.Filter([1.0], observationVariance: 0));
        Assert.Equal("observationVariance", e.ParamName);
    }
}
