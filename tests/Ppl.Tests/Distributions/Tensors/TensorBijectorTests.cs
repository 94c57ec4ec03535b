using Ppl.Distributions.Tensors;
using Xunit;
using static Ppl.Tests.Distributions.Tensors.TensorTestUtil;
using static TorchSharp.torch;

namespace Ppl.Tests.Distributions.Tensors;

/// <summary>Round trips and log-Jacobians (against finite differences) of the tensor bijectors.</summary>
public class TensorBijectorTests
{
    public TensorBijectorTests() => Init();

    /// <summary>log|det J| by central differences of Forward, over the coordinates the density refers to.</summary>
    private static double NumericLogDet(ITensorBijector b, double[] u, Func<Tensor, double[]> coords)
    {
        const double h = 1e-6;
        var n = u.Length;
        var m = coords(b.Forward(T(u))).Length;
        Assert.Equal(n, m);
        var j = new double[n, n];
        for (var k = 0; k < n; k++)
        {
            var up = (double[])u.Clone();
            var dn = (double[])u.Clone();
            up[k] += h;
            dn[k] -= h;
            var fu = coords(b.Forward(T(up)));
            var fd = coords(b.Forward(T(dn)));
            for (var i = 0; i < n; i++) j[i, k] = (fu[i] - fd[i]) / (2 * h);
        }
        return Math.Log(Math.Abs(MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.DenseOfArray(j).Determinant()));
    }

    private static void RoundTrip(ITensorBijector b, double[] u)
    {
        var back = D(b.Inverse(b.Forward(T(u))));
        for (var i = 0; i < u.Length; i++) Close(u[i], back[i], 1e-8, 1e-8, "round trip");
    }

    [Fact]
    public void ElementwiseBijectors()
    {
        var u = new[] { -2.0, 0.3, 1.7 };
        foreach (var b in new ITensorBijector[] { ExpTensorBijector.Instance, new SigmoidTensorBijector(T(-1.0), T(3.0)) })
        {
            RoundTrip(b, u);
            var ldj = D(b.LogAbsDetJacobian(T(u)));
            for (var i = 0; i < u.Length; i++)
            {
                var h = 1e-6;
                var fd = (D(b.Forward(T(u[i] + h)))[0] - D(b.Forward(T(u[i] - h)))[0]) / (2 * h);
                Close(Math.Log(fd), ldj[i], 1e-6, 1e-6, "elementwise ldj");
            }
        }
    }

    [Fact]
    public void StickBreakingMapsOntoTheSimplex()
    {
        var b = new StickBreakingTensorBijector(4);
        var u = new[] { 0.4, -1.2, 2.0 };
        var x = D(b.Forward(T(u)));
        Close(1.0, x.Sum(), 1e-12, 1e-12, "sums to one");
        Assert.All(x, v => Assert.True(v > 0));
        RoundTrip(b, u);
        Close(NumericLogDet(b, u, t => D(t).Take(3).ToArray()), D(b.LogAbsDetJacobian(T(u)))[0], 1e-6, 1e-6, "stick ldj");
        // u = 0 is the centre of the simplex.
        Assert.All(D(b.Forward(zeros(3, ScalarType.Float64))), v => Close(0.25, v, 1e-12, 1e-12, "centre"));
    }

    [Fact]
    public void CorrCholeskyMapsOntoCorrelationFactors()
    {
        var b = new CorrCholeskyTensorBijector(4);
        var u = new[] { 0.4, -1.2, 0.8, 0.1, -0.5, 1.1 };
        var l = b.Forward(T(u));
        var ls = D(l);
        for (var i = 0; i < 4; i++)
        {
            Close(1.0, Enumerable.Range(0, 4).Sum(j => ls[4 * i + j] * ls[4 * i + j]), 1e-12, 1e-12, "unit row");
            Assert.True(ls[4 * i + i] > 0);
            for (var j = i + 1; j < 4; j++) Assert.Equal(0.0, ls[4 * i + j]);
        }
        RoundTrip(b, u);
        int[] strict = [4, 8, 9, 12, 13, 14];
        Close(NumericLogDet(b, u, t => strict.Select(k => D(t)[k]).ToArray()), D(b.LogAbsDetJacobian(T(u)))[0], 1e-6, 1e-6, "corr ldj");
        // Batched input keeps the batch shape.
        var batch = b.Forward(T(u.Concat(u).ToArray(), [2, 6]));
        Assert.Equal(new long[] { 2, 4, 4 }, batch.shape);
    }

    [Fact]
    public void DistributionsExposeTheirBijector()
    {
        Assert.IsType<ExpTensorBijector>(new Gamma(T(1.0), T(1.0)).Bijector);
        Assert.IsType<StickBreakingTensorBijector>(new Dirichlet(T(1.0, 2.0, 3.0)).Bijector);
        Assert.IsType<CorrCholeskyTensorBijector>(new LkjCholesky(3, T(1.0)).Bijector);
        Assert.Equal(new long[] { 2 }, new Dirichlet(T(1.0, 2.0, 3.0)).Bijector.UnconstrainedEventShape);
        Assert.Throws<NotSupportedException>(() => new Poisson(T(1.0)).Bijector);
        // Uniform's bijector lands inside each batch member's own interval.
        var x = D(new Uniform(T(0.0, 10.0), T(1.0, 20.0)).Bijector.Forward(T(3.0, -3.0)));
        Assert.InRange(x[0], 0.0, 1.0);
        Assert.InRange(x[1], 10.0, 20.0);
    }
}
