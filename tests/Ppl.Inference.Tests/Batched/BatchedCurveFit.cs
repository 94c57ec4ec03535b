using MathNet.Numerics.LinearAlgebra;
using Ppl.Inference.Batched;
using static TorchSharp.torch;
using TNormal = Ppl.Distributions.Tensors.Normal;

namespace Ppl.Inference.Tests.Batched;

/// <summary>
/// Bayesian polynomial regression: w_j ~ N(0, 1) for j = 0..degree, y_i ~ N(Σ_j w_j x_i^j, 0.5²).
/// Conjugate, so the posterior and the evidence are exact.
/// </summary>
internal static class BatchedCurveFit
{
    public const double NoiseSd = 0.5;

    public static (double[] Xs, double[] Ys) Data(int n, int seed)
    {
        var rng = new Rng(seed);
        var xs = Enumerable.Range(0, n).Select(i => -1 + 2.0 * i / (n - 1)).ToArray();
        var ys = xs.Select(x => 0.3 - 1.2 * x + 0.8 * x * x + NoiseSd * rng.NextGaussian()).ToArray();
        return (xs, ys);
    }

    public static BatchedModel<double[], Tensor> Model(int degree) => BatchedModel.Create<double[], Tensor>("curve-fit", (t, xs) =>
    {
        var w = new Tensor[degree + 1];
        for (var j = 0; j <= degree; j++) w[j] = t.Sample(new Address("w", j), new TNormal(t.Scalar(0), t.Scalar(1)));
        var sd = t.Scalar(NoiseSd);
        for (var i = 0; i < xs.Length; i++)
        {
            // Horner's rule on the [N] coefficient tensors: the mean of y_i for every particle at once.
            var mean = w[degree];
            for (var j = degree - 1; j >= 0; j--) mean = mean.Times(xs[i]).Plus(w[j]);
            t.Sample(new Address("y", i), new TNormal(mean, sd));
        }
        return w[1];
    });

    public static BatchedChoices Observations(double[] ys)
    {
        var c = new BatchedChoices();
        for (var i = 0; i < ys.Length; i++) c.Set(new Address("y", i), ys[i]);
        return c;
    }

    private static Matrix<double> Design(double[] xs, int degree) =>
        Matrix<double>.Build.Dense(xs.Length, degree + 1, (i, j) => Math.Pow(xs[i], j));

    public static (double[] Mean, double[,] Cov) ExactPosterior(double[] xs, double[] ys, int degree)
    {
        var phi = Design(xs, degree);
        var precision = Matrix<double>.Build.DenseIdentity(degree + 1) + phi.TransposeThisAndMultiply(phi) / (NoiseSd * NoiseSd);
        var cov = precision.Inverse();
        var mean = cov * phi.TransposeThisAndMultiply(Vector<double>.Build.DenseOfArray(ys)) / (NoiseSd * NoiseSd);
        return (mean.ToArray(), cov.ToArray());
    }

    public static double ExactLogEvidence(double[] xs, double[] ys, int degree)
    {
        var phi = Design(xs, degree);
        var s = phi.TransposeAndMultiply(phi) + Matrix<double>.Build.DenseIdentity(xs.Length) * (NoiseSd * NoiseSd);
        var chol = s.Cholesky();
        var y = Vector<double>.Build.DenseOfArray(ys);
        var alpha = chol.Solve(y);
        return -0.5 * (y * alpha) - 0.5 * chol.DeterminantLn - 0.5 * xs.Length * Math.Log(2 * Math.PI);
    }
}
