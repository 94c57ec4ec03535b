using Ppl.Autodiff;
using Ppl.Distributions;
using Xunit;
using static Ppl.Tests.Autodiff.RealFamilyCases;

namespace Ppl.Tests.Autodiff;

public class RealFamilyTests
{
    private const int Points = 25;

    public static TheoryData<string> ContinuousNames => new(Continuous.Keys);

    public static TheoryData<string> DiscreteNames => new(Discrete.Keys);

    [Theory, MemberData(nameof(ContinuousNames))]
    public void ContinuousValueAndGradientMatchTheDoubleFamily(string name)
    {
        var c = Continuous[name];
        var rng = new Rng(1729);
        var tape = Tape.Current;
        for (var trial = 0; trial < Points; trial++)
        {
            var p = c.Parameters(rng);
            var x = c.Point(p, rng);
            var label = $"{name}({string.Join(", ", p)}) at {x}";
            var expected = c.Double(p).LogDensity(x);
            Assert.True(double.IsFinite(expected), label);

            tape.Reset();
            var xv = tape.Variable(x);
            var pv = p.Select(tape.Variable).ToArray();
            var before = tape.Count;
            var dist = c.Real(pv);
            var y = dist.LogDensity(xv);
            // One fused node (two for Student-t with a variable ν and the skew-normal: four parents).
            Assert.Equal(name is "StudentT" or "SkewNormal" ? 2 : 1, tape.Count - before);
            SameValue(expected, y.Value, label);
            Assert.Null(dist.ParameterError);
            Assert.Equal(c.Double(p).Family, dist.Family);

            tape.Backward(y);
            if (name != "Uniform")
                SameDerivative(Derivative(v => c.Double(p).LogDensity(v), x), tape.Adjoint(xv), label + " d/dx");
            else
                Assert.Equal(0.0, tape.Adjoint(xv));
            for (var i = 0; i < p.Length; i++)
                SameDerivative(Partial(q => c.Double(q).LogDensity(x), p, i), tape.Adjoint(pv[i]), $"{label} d/dp[{i}]");

            // With constant parameters: the same value, the same derivative in x, still one node.
            tape.Reset();
            xv = tape.Variable(x);
            before = tape.Count;
            var yc = c.Real(p.Select(v => (Real)v).ToArray()).LogDensity(xv);
            SameValue(expected, yc.Value, label + " (constant parameters)");
            Assert.Equal(name == "Uniform" ? 0 : 1, tape.Count - before);
            tape.Backward(yc);
            if (name != "Uniform")
                SameDerivative(Derivative(v => c.Double(p).LogDensity(v), x), tape.Adjoint(xv), label + " d/dx (constant parameters)");
        }
    }

    [Theory, MemberData(nameof(DiscreteNames))]
    public void DiscreteValueAndGradientMatchTheDoubleFamily(string name)
    {
        var c = Discrete[name];
        var rng = new Rng(31337);
        var tape = Tape.Current;
        for (var trial = 0; trial < Points; trial++)
        {
            var p = c.Parameters(rng);
            var k = c.Point(p, rng);
            var label = $"{name}({string.Join(", ", p)}) at {k}";
            var expected = c.Double(p).LogDensity(k);

            tape.Reset();
            var pv = p.Select((v, i) => IsRealParameter(name, i) ? tape.Variable(v) : (Real)v).ToArray();
            var before = tape.Count;
            var dist = c.Real(pv);
            var y = dist.LogProbability(k);
            SameValue(expected, y.Value, label);
            Assert.Null(dist.ParameterError);
            Assert.Equal(c.Double(p).Family, dist.Family);
            if (double.IsNegativeInfinity(expected) || name == "DiscreteUniform")
            {
                Assert.True(y.IsConstant, label);
                continue;
            }
            Assert.Equal(1, tape.Count - before);
            tape.Backward(y);
            for (var i = 0; i < p.Length; i++)
                if (IsRealParameter(name, i))
                    SameDerivative(Partial(q => c.Double(q).LogDensity(k), p, i), tape.Adjoint(pv[i]), $"{label} d/dp[{i}]");
        }
    }

    [Fact]
    public void BernoulliValueAndGradientMatchTheDoubleFamily()
    {
        var rng = new Rng(7);
        var tape = Tape.Current;
        for (var trial = 0; trial < Points; trial++)
        {
            var p = 0.02 + 0.96 * rng.NextDouble();
            var value = rng.Next(2) == 1;
            tape.Reset();
            var pv = tape.Variable(p);
            var y = RealDist.Bernoulli(pv).LogProbability(value);
            SameValue(Dist.Bernoulli(p).LogDensity(value), y.Value, $"Bernoulli({p}) at {value}");
            tape.Backward(y);
            SameDerivative(Derivative(q => Dist.Bernoulli(q).LogDensity(value), p), tape.Adjoint(pv), $"Bernoulli({p}) at {value} d/dp");
        }
        Assert.Equal("Bernoulli", RealDist.Bernoulli(0.5).Family);
        Assert.Null(RealDist.Bernoulli(0.5).ParameterError);
    }

    [Fact]
    public void BernoulliLogitValueAndGradientMatchTheDoubleFamily()
    {
        var rng = new Rng(8);
        var tape = Tape.Current;
        for (var trial = 0; trial < Points; trial++)
        {
            var l = -6 + 12 * rng.NextDouble();
            var value = rng.Next(2) == 1;
            tape.Reset();
            var lv = tape.Variable(l);
            var y = RealDist.BernoulliLogit(lv).LogProbability(value);
            SameValue(Dist.BernoulliLogit(l).LogDensity(value), y.Value, $"BernoulliLogit({l}) at {value}");
            tape.Backward(y);
            SameDerivative(Derivative(q => Dist.BernoulliLogit(q).LogDensity(value), l), tape.Adjoint(lv), $"BernoulliLogit({l}) at {value} d/dlogit");
        }
        Assert.Equal("BernoulliLogit", RealDist.BernoulliLogit(0.5).Family);
        Assert.Null(RealDist.BernoulliLogit(0.5).ParameterError);
        Assert.True(double.IsNaN(RealDist.BernoulliLogit(double.NaN).LogProbability(true).Value));
        Assert.True(double.IsNaN(RealDist.PoissonLog(800).LogProbability(1).Value));
    }

    [Fact]
    public void CategoricalValueAndGradientMatchTheDoubleFamily()
    {
        var rng = new Rng(99);
        var tape = Tape.Current;
        for (var trial = 0; trial < Points; trial++)
        {
            var k = rng.Next(2, 7);
            var w = Enumerable.Range(0, k).Select(_ => 0.05 + rng.NextDouble()).ToArray();
            var total = w.Sum();
            var probs = w.Select(v => v / total).ToArray();
            var value = rng.Next(-1, k + 1);
            var label = $"Categorical([{string.Join(", ", probs)}]) at {value}";
            var expected = Dist.Categorical(probs).LogDensity(value);

            tape.Reset();
            var pv = probs.Select(tape.Variable).ToArray();
            var dist = RealDist.Categorical(pv);
            Assert.Null(dist.ParameterError);
            var y = dist.LogProbability(value);
            SameValue(expected, y.Value, label);
            if (value < 0 || value >= k)
            {
                Assert.True(y.IsConstant, label);
                continue;
            }
            tape.Backward(y);
            // Perturbing pⱼ up and pₘ down keeps the vector normalised, so the double family accepts it:
            // the directional derivative along eⱼ − eₘ is adjointⱼ − adjointₘ.
            for (var j = 0; j < k; j++)
            {
                var m = (j + 1) % k;
                var fd = Derivative(t =>
                {
                    var q = (double[])probs.Clone();
                    q[j] += t;
                    q[m] -= t;
                    return Dist.Categorical(q).LogDensity(value);
                }, 0);
                SameDerivative(fd, tape.Adjoint(pv[j]) - tape.Adjoint(pv[m]), $"{label} along e{j} - e{m}");
            }
        }
    }

    [Fact]
    public void NormalCostsOneNodeWhateverIsOnTheTape()
    {
        var tape = Tape.Current;
        tape.Reset();
        var mu = tape.Variable(0.3);
        var sigma = tape.Variable(1.7);
        var x = tape.Variable(-0.4);
        var before = tape.Count;
        _ = RealDist.Normal(mu, sigma).LogDensity(x);
        Assert.Equal(1, tape.Count - before);
        _ = RealDist.Normal(0, 1).LogDensity(x);
        Assert.Equal(2, tape.Count - before);
        // Nothing on the tape: a constant.
        Assert.True(RealDist.Normal(0, 1).LogDensity(0.5).IsConstant);
        Assert.Equal(2, tape.Count - before);
    }

    [Fact]
    public void StudentTWithConstantNuCostsOneNode()
    {
        var tape = Tape.Current;
        tape.Reset();
        var mu = tape.Variable(0.3);
        var sigma = tape.Variable(1.7);
        var x = tape.Variable(-0.4);
        var before = tape.Count;
        _ = RealDist.StudentT(4, mu, sigma).LogDensity(x);
        Assert.Equal(1, tape.Count - before);
    }

    [Fact]
    public void StudentTDefaultsAreZeroAndOne()
    {
        foreach (var x in new[] { -2.0, 0.1, 3.0 })
        {
            SameValue(Dist.StudentT(3).LogDensity(x), RealDist.StudentT(3).LogDensity(x).Value, "StudentT(3)");
            SameValue(Dist.StudentT(3, sigma: 2).LogDensity(x), RealDist.StudentT(3, sigma: 2).LogDensity(x).Value, "StudentT(3, sigma: 2)");
            SameValue(Dist.StudentT(3, mu: 1).LogDensity(x), RealDist.StudentT(3, mu: 1).LogDensity(x).Value, "StudentT(3, mu: 1)");
            SameValue(Dist.StudentT(nu: 3, mu: 1, sigma: 0.5).LogDensity(x), RealDist.StudentT(nu: 3, mu: 1, sigma: 0.5).LogDensity(x).Value, "StudentT named");
        }
    }

    /// <summary>
    /// Values at the edges and outside the support (NaN, ±∞, the ends of the support), where the double
    /// family's conventions (0·log 0 = 0, −∞ outside) decide the value.
    /// </summary>
    [Theory, MemberData(nameof(ContinuousNames))]
    public void ContinuousEdgesAndOutsideTheSupportMatchTheDoubleFamily(string name)
    {
        var c = Continuous[name];
        var rng = new Rng(5);
        double[] xs = [double.NaN, double.NegativeInfinity, double.PositiveInfinity, -1e300, -2.5, -1, -1e-300, 0, 1e-300, 0.5, 1, 1.5, 7, 1e300];
        for (var trial = 0; trial < 5; trial++)
        {
            var p = c.Parameters(rng);
            foreach (var x in xs)
            {
                var expected = c.Double(p).LogDensity(x);
                var actual = c.Real(p.Select(v => (Real)v).ToArray()).LogDensity(x).Value;
                SameValue(expected, actual, $"{name}({string.Join(", ", p)}) at {x}");
            }
        }
    }

    [Fact]
    public void SupportEndsFollowTheDoubleFamilysConventions()
    {
        var tape = Tape.Current;
        tape.Reset();
        // Gamma with shape 1 at 0: finite, with derivative −rate in x and 1/rate in the rate.
        var x = tape.Variable(0);
        var rate = tape.Variable(2);
        var y = RealDist.Gamma(1, rate).LogDensity(x);
        SameValue(Dist.Gamma(1, 2).LogDensity(0), y.Value, "Gamma(1, 2) at 0");
        tape.Backward(y);
        Assert.Equal(-2.0, tape.Adjoint(x), 12);
        Assert.Equal(0.5, tape.Adjoint(rate), 12);
        // Gamma with shape ≠ 1 at 0, Beta at its ends: the double family's 0 or ∞, as constants.
        foreach (var (a, b, v) in new[] { (0.5, 1.0, 0.0), (2.0, 1.0, 0.0), (1.0, 1.0, 0.0), (1.0, 3.0, 0.0), (2.0, 3.0, 1.0), (2.0, 1.0, 1.0), (2.0, 0.5, 1.0) })
        {
            SameValue(Dist.Beta(a, b).LogDensity(v), RealDist.Beta(a, b).LogDensity(v).Value, $"Beta({a}, {b}) at {v}");
            SameValue(Dist.Gamma(a, b).LogDensity(v), RealDist.Gamma(a, b).LogDensity(v).Value, $"Gamma({a}, {b}) at {v}");
        }
        Assert.True(RealDist.Gamma(0.5, tape.Variable(1)).LogDensity(0).IsConstant);
        // Degenerate discrete parameters: the exact masses of the double family.
        SameValue(Dist.Binomial(4, 0).LogDensity(0), RealDist.Binomial(4, 0).LogProbability(0).Value, "Binomial(4, 0) at 0");
        SameValue(Dist.Binomial(4, 1).LogDensity(4), RealDist.Binomial(4, 1).LogProbability(4).Value, "Binomial(4, 1) at 4");
        SameValue(Dist.Binomial(4, 1).LogDensity(3), RealDist.Binomial(4, 1).LogProbability(3).Value, "Binomial(4, 1) at 3");
        SameValue(Dist.Poisson(0).LogDensity(0), RealDist.Poisson(0).LogProbability(0).Value, "Poisson(0) at 0");
        SameValue(Dist.Poisson(0).LogDensity(2), RealDist.Poisson(0).LogProbability(2).Value, "Poisson(0) at 2");
        SameValue(Dist.Geometric(1).LogDensity(0), RealDist.Geometric(1).LogProbability(0).Value, "Geometric(1) at 0");
        SameValue(Dist.Geometric(1).LogDensity(3), RealDist.Geometric(1).LogProbability(3).Value, "Geometric(1) at 3");
        SameValue(Dist.NegativeBinomial(3, 1).LogDensity(0), RealDist.NegativeBinomial(3, 1).LogProbability(0).Value, "NegativeBinomial(3, 1) at 0");
        SameValue(Dist.NegativeBinomial(3, 1).LogDensity(2), RealDist.NegativeBinomial(3, 1).LogProbability(2).Value, "NegativeBinomial(3, 1) at 2");
        SameValue(Dist.Bernoulli(0).LogDensity(true), RealDist.Bernoulli(0).LogProbability(true).Value, "Bernoulli(0) at true");
        SameValue(Dist.Bernoulli(0).LogDensity(false), RealDist.Bernoulli(0).LogProbability(false).Value, "Bernoulli(0) at false");
        SameValue(Dist.Bernoulli(1).LogDensity(false), RealDist.Bernoulli(1).LogProbability(false).Value, "Bernoulli(1) at false");
        SameValue(Dist.Categorical([0, 1]).LogDensity(0), RealDist.Categorical([0, 1]).LogProbability(0).Value, "Categorical([0, 1]) at 0");
        // Poisson with rate 0 at 0: mass 1, derivative −1 in the rate.
        tape.Reset();
        var r0 = tape.Variable(0);
        var py = RealDist.Poisson(r0).LogProbability(0);
        tape.Backward(py);
        Assert.Equal(-1.0, tape.Adjoint(r0));
    }

    [Fact]
    public void OutsideTheDiscreteSupportIsNegativeInfinity()
    {
        Assert.Equal(double.NegativeInfinity, RealDist.Binomial(5, 0.3).LogProbability(-1).Value);
        Assert.Equal(double.NegativeInfinity, RealDist.Binomial(5, 0.3).LogProbability(6).Value);
        Assert.Equal(double.NegativeInfinity, RealDist.Poisson(2).LogProbability(-1).Value);
        Assert.Equal(double.NegativeInfinity, RealDist.Geometric(0.3).LogProbability(-1).Value);
        Assert.Equal(double.NegativeInfinity, RealDist.NegativeBinomial(2, 0.3).LogProbability(int.MinValue).Value);
        Assert.Equal(double.NegativeInfinity, RealDist.Categorical([0.2, 0.8]).LogProbability(2).Value);
        Assert.Equal(double.NegativeInfinity, RealDist.Categorical([0.2, 0.8]).LogProbability(-1).Value);
        Assert.Equal(double.NegativeInfinity, RealDist.DiscreteUniform(1, 3).LogProbability(0).Value);
        Assert.Equal(double.NegativeInfinity, RealDist.DiscreteUniform(1, 3).LogProbability(4).Value);
    }
}
