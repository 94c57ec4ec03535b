using Ppl.Distributions.Tensors;
using Xunit;
using static Ppl.Tests.Distributions.Tensors.TensorTestUtil;
using static TorchSharp.torch;

namespace Ppl.Tests.Distributions.Tensors;

/// <summary>Invalid parameters raise DistributionParameterException naming the parameter; values outside the support score −∞.</summary>
public class TensorParameterAndSupportTests
{
    public TensorParameterAndSupportTests() => Init();

    public static TheoryData<string, string> Invalid() => new()
    {
        { "Normal", "sigma" }, { "HalfNormal", "sigma" }, { "LogNormal", "sigma" }, { "StudentT", "nu" },
        { "Cauchy", "scale" }, { "HalfCauchy", "scale" }, { "Laplace", "scale" }, { "Exponential", "rate" },
        { "Gamma", "alpha" }, { "InverseGamma", "beta" }, { "Beta", "alpha" }, { "Uniform", "high - low" },
        { "Bernoulli", "probs" }, { "Binomial", "totalCount" }, { "Categorical", "probs" }, { "Poisson", "rate" },
        { "NegativeBinomial", "probs" }, { "Geometric", "probs" }, { "Dirichlet", "concentration" },
        { "MvNormal", "scaleTril" }, { "Multinomial", "probs" }, { "LkjCholesky", "concentration" }, { "Gmm", "probs" },
        { "Normal", "mu" }, { "HalfStudentT", "nu" }, { "HalfStudentT", "sigma" }, { "SkewNormal", "omega" },
        { "SkewNormal", "alpha" }, { "VonMises", "kappa" }, { "VonMises", "mu" }, { "DiscreteUniform", "upper - lower" },
        { "DiscreteUniform", "lower" }, { "Truncated", "upper - lower" }, { "Truncated", "Normal: sigma" }, { "Truncated", "lower" },
        { "VonMisesFisher", "kappa" }, { "VonMisesFisher", "mu" }, { "UnitVector", "dimension" },
        { "Wishart", "nu - (dimension - 1)" }, { "Wishart", "scaleTril" }, { "InverseWishart", "nu - (dimension - 1)" },
    };

    private static TensorDistribution Bad(string family, string param) => (family, param) switch
    {
        ("Normal", "sigma") => new Normal(T(0.0, 1.0), T(1.0, -2.0)),
        ("Normal", "mu") => new Normal(T(double.NaN), T(1.0)),
        ("HalfNormal", _) => new HalfNormal(T(0.0)),
        ("LogNormal", _) => new LogNormal(T(0.0), T(double.PositiveInfinity)),
        ("StudentT", _) => new StudentT(T(-1.0), T(0.0), T(1.0)),
        ("Cauchy", _) => new Cauchy(T(0.0), T(-1.0)),
        ("HalfCauchy", _) => new HalfCauchy(T(-1.0)),
        ("Laplace", _) => new Laplace(T(0.0), T(0.0)),
        ("Exponential", _) => new Exponential(T(-3.0)),
        ("Gamma", _) => new Gamma(T(-1.0), T(1.0)),
        ("InverseGamma", _) => new InverseGamma(T(1.0), T(-1.0)),
        ("Beta", _) => new Beta(T(0.0), T(1.0)),
        ("Uniform", _) => new Uniform(T(2.0), T(1.0)),
        ("Bernoulli", _) => new Bernoulli(probs: T(1.5)),
        ("Binomial", _) => new Binomial(T(2.5), probs: T(0.5)),
        ("Categorical", _) => new Categorical(probs: T(0.5, 0.6)),
        ("Poisson", _) => new Poisson(T(-1.0)),
        ("NegativeBinomial", _) => new NegativeBinomial(T(2.0), probs: T(1.0)),
        ("Geometric", _) => new Geometric(T(0.0)),
        ("Dirichlet", _) => new Dirichlet(T(1.0, -1.0)),
        ("MvNormal", _) => new MvNormal(T(0.0, 0.0), T(new[] { 1.0, 0, 0, -1 }, [2, 2])),
        ("Multinomial", _) => new Multinomial(3, T(0.2, 0.2)),
        ("LkjCholesky", _) => new LkjCholesky(3, T(0.0)),
        ("Gmm", _) => new Gmm(T(0.5, 0.7), T(new[] { 0.0, 1.0 }, [2, 1]), T(new[] { 1.0, 1.0 }, [2, 1, 1])),
        ("HalfStudentT", "nu") => new HalfStudentT(T(2.0, 0.0), T(1.0)),
        ("HalfStudentT", "sigma") => new HalfStudentT(T(2.0), T(-1.0)),
        ("SkewNormal", "omega") => new SkewNormal(T(0.0), T(0.0), T(1.0)),
        ("SkewNormal", "alpha") => new SkewNormal(T(0.0), T(1.0), T(double.NaN)),
        ("VonMises", "kappa") => new VonMises(T(0.0), T(-1.0)),
        ("VonMises", "mu") => new VonMises(T(double.PositiveInfinity), T(1.0)),
        ("DiscreteUniform", "upper - lower") => new DiscreteUniform(T(3.0), T(2.0)),
        ("DiscreteUniform", "lower") => new DiscreteUniform(T(0.5), T(2.0)),
        ("Truncated", "upper - lower") => new Truncated<Normal>(new Normal(T(0.0), T(1.0)), T(1.0, 0.0), T(2.0, 0.0)),
        ("Truncated", "Normal: sigma") => new Truncated<Normal>(new Normal(T(0.0), T(-1.0)), T(0.0), T(1.0)),
        ("Truncated", "lower") => new Truncated<Normal>(new Normal(T(0.0), T(1.0)), T(double.NaN), T(1.0)),
        ("VonMisesFisher", "kappa") => new VonMisesFisher(T(new[] { 0.0, 1.0 }, [1, 2]), T(-1.0)),
        ("VonMisesFisher", "mu") => new VonMisesFisher(T(new[] { 0.6, 0.6 }, [1, 2]), T(1.0)),
        ("UnitVector", _) => new UnitVector(1),
        ("Wishart", "scaleTril") => new Wishart(T(4.0), T(new[] { 1.0, 0, 0, -1 }, [2, 2])),
        ("Wishart", _) => new Wishart(T(0.5), T(new[] { 1.0, 0, 0, 1 }, [2, 2])),
        ("InverseWishart", _) => new InverseWishart(T(0.5), T(new[] { 1.0, 0, 0, 1 }, [2, 2])),
        _ => throw new ArgumentException(family),
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void InvalidParametersNameTheParameter(string family, string param)
    {
        var d = Bad(family, param);
        Assert.Contains(param, d.ParameterError);
        var e = Assert.Throws<DistributionParameterException>(() => d.Sample(new Rng(1)));
        Assert.Contains(param, e.Message);
        Assert.Throws<DistributionParameterException>(() => d.LogProb(d.Mean.nan_to_num(0.0)));
    }

    [Fact]
    public void ValuesOutsideTheSupportScoreMinusInfinity()
    {
        void Ninf(TensorDistribution d, Tensor x) =>
            Assert.All(D(d.LogProb(x)), v => Assert.True(double.IsNegativeInfinity(v), $"{d.Family}: {v}"));
        Ninf(new HalfNormal(T(1.0)), T(-0.5));
        Ninf(new LogNormal(T(0.0), T(1.0)), T(-1.0, 0.0));
        Ninf(new HalfCauchy(T(1.0)), T(-0.5));
        Ninf(new Exponential(T(1.0)), T(-0.5));
        Ninf(new Gamma(T(2.0), T(1.0)), T(-0.5, 0.0));
        Ninf(new InverseGamma(T(2.0), T(1.0)), T(-0.5));
        Ninf(new Beta(T(2.0), T(2.0)), T(-0.1, 1.1));
        Ninf(new Uniform(T(0.0), T(1.0)), T(-0.1, 1.0, 2.0));
        Ninf(new Bernoulli(probs: T(0.3)), T(0.5, 2.0, -1.0));
        Ninf(new Binomial(T(3.0), probs: T(0.3)), T(4.0, -1.0, 1.5));
        Ninf(new Categorical(probs: T(0.5, 0.5)), T(2.0, -1.0, 0.5));
        Ninf(new Poisson(T(2.0)), T(-1.0, 0.5));
        Ninf(new NegativeBinomial(T(2.0), probs: T(0.5)), T(-1.0, 0.5));
        Ninf(new Geometric(T(0.5)), T(-1.0, 0.5));
        Ninf(new Dirichlet(T(1.0, 2.0)), T(new[] { 0.5, 0.6, -0.1, 1.1 }, [2, 2]));
        Ninf(new Multinomial(3, T(0.5, 0.5)), T(new[] { 1.0, 1.0, 4.0, -1.0 }, [2, 2]));
        Ninf(new LkjCholesky(2, T(1.0)), T(new[] { 1.0, 0.0, 0.5, 0.5 }, [2, 2]));
        Ninf(new HalfStudentT(T(3.0), T(1.0)), T(-0.5, double.NaN));
        Ninf(new SkewNormal(T(0.0), T(1.0), T(2.0)), T(double.PositiveInfinity, double.NegativeInfinity, double.NaN));
        Ninf(new VonMises(T(0.0), T(2.0)), T(double.PositiveInfinity, double.NaN));
        Ninf(new Flat([3]), T(double.PositiveInfinity, double.NegativeInfinity, double.NaN));
        Ninf(new HalfFlat([4], ScalarType.Float64), T(-0.5, double.PositiveInfinity, double.NaN, -1e-300));
        Ninf(new DiscreteUniform(T(1.0), T(3.0)), T(0.0, 4.0, 1.5));
        Ninf(new Truncated<Normal>(new Normal(T(0.0), T(1.0)), T(0.0), T(1.0)), T(-0.5, 1.5, double.NaN));
        // Gradients stay finite when a value is outside the support.
        var a = tensor(2.0, ScalarType.Float64).requires_grad_(true);
        new Gamma(a, T(1.0)).LogProb(T(-1.0, 1.0)).MaskedFill(T(-1.0, 1.0).Lt(0), 0.0).sum().backward();
        Assert.True(double.IsFinite(a.grad!.item<double>()));
    }

    [Fact]
    public void FlatAndHalfFlatScoreZeroOnTheSupportAndRefuseToSample()
    {
        foreach (TensorDistribution d in new TensorDistribution[] { new Flat([2, 3]), new HalfFlat([2, 3]) })
        {
            Assert.Null(d.ParameterError);
            var e = Assert.Throws<ImproperDistributionException>(() => d.Sample(new Rng(1)));
            Assert.Contains(d.Family, e.Message);
            Assert.Throws<ImproperDistributionException>(() => d.Sample(new Rng(1), [4]));
            Assert.Throws<NotSupportedException>(() => d.RSample(new Rng(1)));
            // A value broadcasts against the batch; the log density is 0 and its gradient is 0 (and defined).
            var x = tensor(new[] { 0.5, 2.0, 7.0 }, ScalarType.Float64).requires_grad_(true);
            var lp = d.LogProb(x);
            Assert.Equal(new long[] { 2, 3 }, lp.shape);
            Assert.All(D(lp), v => Assert.Equal(0.0, v));
            d.LogProbSum(x).backward();
            Assert.All(D(x.grad!), v => Assert.Equal(0.0, v));
            Assert.Equal(new long[] { 5, 2, 3 }, d.Expand([5, 2, 3]).BatchShape);
        }
        Assert.Equal(ScalarType.Float32, new Flat([2], ScalarType.Float32).LogProb(tensor(1f)).dtype);
        Assert.IsType<ExpTensorBijector>(new HalfFlat([1]).Bijector);
        Assert.IsType<IdentityTensorBijector>(new Flat([1]).Bijector);
    }

    [Fact]
    public void VonMisesHasNoReparameterisedSamplerAndMapsOntoItsWindow()
    {
        var d = new VonMises(T(1.0, -2.0), T(3.0));
        Assert.False(d.HasRSample);
        Assert.Throws<NotSupportedException>(() => d.RSample(new Rng(1)));
        var y = d.Bijector.Forward(T(new[] { -30.0, 0.0, 30.0, 0.0 }, [2, 2]));
        Assert.Equal(new[] { 1.0 - Math.PI, -2.0, 1.0 + Math.PI, -2.0 }, D(y), new ToleranceComparer(1e-9));
    }

    private sealed class ToleranceComparer(double tol) : IEqualityComparer<double>
    {
        public bool Equals(double a, double b) => Math.Abs(a - b) <= tol;

        public int GetHashCode(double x) => 0;
    }

    [Fact]
    public void TruncationOfNoMassIsRefusedAndTheBoundsBijectorMapsOntoEachInterval()
    {
        var none = new Truncated<Normal>(new Normal(T(0.0), T(1.0)), T(1e160), T(1e161));
        Assert.Contains("probability 0", none.ParameterError);
        Assert.Throws<DistributionParameterException>(() => none.Sample(new Rng(1)));

        var inf = double.PositiveInfinity;
        var bij = new BoundsTensorBijector(T(-inf, 0.0, -inf, 1.0), T(inf, inf, 2.0, 3.0));
        var u = T(new[] { -2.0, 0.3, 1.5, -15.0, 2.0, 700.0, -1.0, 0.0 }, [2, 4]).requires_grad_(true);
        var x = bij.Forward(u);
        var xs = D(x);
        var us = D(u);
        double[] expect(double v, int k) => k switch { 0 => [v], 1 => [Math.Exp(v)], 2 => [2 - Math.Exp(v)], _ => [1 + 2 / (1 + Math.Exp(-v))] };
        for (var i = 0; i < 8; i++) Close(expect(us[i], i % 4)[0], xs[i], 1e-12, 1e-12, $"forward {i}");
        var back = D(bij.Inverse(x.detach()));
        for (var i = 0; i < 8; i++)
            Close(us[i], back[i], 1e-9, 1e-9, $"inverse {i}");
        // log |dx/du| against autograd's derivative of the elementwise map; every gradient finite.
        var ladj = D(bij.LogAbsDetJacobian(u.detach()));
        x.sum().backward();
        var g = D(u.grad!);
        for (var i = 0; i < 8; i++)
            if (g[i] > 0) Close(Math.Log(g[i]), ladj[i], 1e-9, 1e-9, $"log-Jacobian {i}");
        Assert.All(g, v => Assert.True(double.IsFinite(v)));
    }

    [Fact]
    public void DiscreteUniformWithScalarBatchEnumeratesItsSupport()
    {
        var d = new DiscreteUniform(tensor(-1.0, ScalarType.Float64), tensor(2.0, ScalarType.Float64));
        Assert.Equal(4, d.SupportSize);
        Assert.Equal(1.0, d.SupportValue(2).item<double>());
        Assert.InRange(d.Sample(new Rng(1)).item<double>(), -1, 2);
        var x = D(new DiscreteUniform(T(-1.0, 10.0), T(2.0, 10.0)).Sample(new Rng(3), [200]));
        Assert.All(x, v => Assert.Equal(Math.Floor(v), v));
        Assert.Equal(4, x.Where((_, i) => i % 2 == 0).Distinct().Count());
        Assert.All(x.Where((_, i) => i % 2 == 1), v => Assert.Equal(10.0, v));
    }

    [Fact]
    public void CategoricalWithScalarBatchEnumeratesItsSupport()
    {
        var c = new Categorical(probs: T(0.2, 0.3, 0.5));
        Assert.Equal(3, c.SupportSize);
        Assert.Equal(2.0, c.SupportValue(2).item<double>());
        Assert.InRange(c.Sample(new Rng(1)).item<double>(), 0, 2);
    }

    [Fact]
    public void DistFactoriesBuildTensorFamilies()
    {
        Assert.IsType<Normal>(Dist.Normal(T(0.0), T(1.0)));
        Assert.IsType<Gmm>(Dist.Gmm(T(1.0), T(new[] { 0.0 }, [1, 1]), T(new[] { 1.0 }, [1, 1, 1])));
        Assert.IsType<Categorical>(Dist.CategoricalLogits(T(0.0, 0.0)));
        Assert.IsType<HalfStudentT>(Dist.HalfStudentT(T(3.0), T(1.0)));
        Assert.IsType<SkewNormal>(Dist.SkewNormal(T(0.0), T(1.0), T(2.0)));
        Assert.IsType<VonMises>(Dist.VonMises(T(0.0), T(1.0)));
        Assert.IsType<Flat>(Dist.Flat([2]));
        Assert.IsType<HalfFlat>(Dist.HalfFlat([2]));
        Assert.IsType<DiscreteUniform>(Dist.DiscreteUniform(T(0.0), T(5.0)));
        Assert.IsType<VonMisesFisher>(Dist.VonMisesFisher(T(1.0, 0.0), T(2.0)));
        Assert.IsType<UnitVector>(Dist.UnitVector(3, [2]));
        Assert.IsType<Wishart>(Dist.Wishart(T(3.0), T(new[] { 1.0, 0, 0, 1 }, [2, 2])));
        Assert.IsType<InverseWishart>(Dist.InverseWishart(T(3.0), T(new[] { 1.0, 0, 0, 1 }, [2, 2])));
        Assert.IsType<Truncated<Normal>>(Dist.Truncated(Dist.Normal(T(0.0), T(1.0)), T(0.0), T(double.PositiveInfinity)));
    }
}
