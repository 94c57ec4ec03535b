using Ppl.Inference.Variational;
using Xunit;
using static TorchSharp.torch;
using T = Ppl.Distributions.Tensors;

namespace Ppl.Inference.Tests.Variational;

/// <summary>papers.md §2.6 tests 2, 3 and 6, plus implicit reparameterisation, each with a naive negative control.</summary>
public class EstimatorTests
{
    private static GradientStrategy Pick(string name) => name switch
    {
        "reparam" => GradientStrategy.Reparam,
        "reinforce" => GradientStrategy.Reinforce,
        "baseline" => GradientStrategy.ReinforceWith(Baseline.Constant(-3)),
        "running" => GradientStrategy.ReinforceWith(Baseline.RunningAverage(0.5)),
        "learned" => GradientStrategy.ReinforceWith(Baseline.Learned(-2)),
        "mvd" => GradientStrategy.Mvd,
        "enum" => GradientStrategy.Enumerate,
        _ => GradientStrategy.Naive,
    };

    // Test 2: L = E_{x~N(μ,σ)}[x²] = μ² + σ²; ∂μ = 2μ, ∂σ = 2σ.
    [Theory]
    [InlineData("reparam", 0.08)]
    [InlineData("reinforce", 0.3)]
    public void Gaussian_moment(string strategy, double tol)
    {
        var g = GradientCheck.Estimates(4000, 21, [0.7, 1.3], p => Vi.E(vi => vi.Sample(new T.Normal(p[0], p[1]), Pick(strategy)).Squared()));
        GradientCheck.AssertUnbiased(g[0], 1.4, tol, $"{strategy} ∂μ");
        GradientCheck.AssertUnbiased(g[1], 2.6, tol, $"{strategy} ∂σ");
    }

    [Fact]
    public void Gaussian_moment_reparam_has_lower_variance_and_naive_fails()
    {
        var rep = GradientCheck.Estimates(4000, 22, [0.7, 1.3], p => Vi.E(vi => vi.Sample(new T.Normal(p[0], p[1]), GradientStrategy.Reparam).Squared()));
        var rf = GradientCheck.Estimates(4000, 22, [0.7, 1.3], p => Vi.E(vi => vi.Sample(new T.Normal(p[0], p[1]), GradientStrategy.Reinforce).Squared()));
        Assert.True(GradientCheck.MeanSe(rep[0]).Se * 2 < GradientCheck.MeanSe(rf[0]).Se);
        var naive = GradientCheck.Estimates(4000, 22, [0.7, 1.3], p => Vi.E(vi => vi.Sample(new T.Normal(p[0], p[1]), GradientStrategy.Naive).Squared()));
        GradientCheck.AssertBiased(naive[0], 1.4, "naive ∂μ");
    }

    // Test 3: z ~ N(0,1), y | z ~ N(z,1), q = N(m, s): ∂m = y − 2m, ∂s = −2s + 1/s.
    private static readonly DynamicModel<Tensor, Unit> Conjugate = DynamicModel.Create<Tensor, Unit>("conjugate", (t, y) =>
    {
        var z = t.Sample("z", new T.Normal(tensor(0.0), tensor(1.0)));
        t.Observe("y", new T.Normal(z, tensor(1.0)), y);
        return Unit.Value;
    });

    private static DynamicModel<(Tensor M, Tensor S), Unit> Guide(GradientStrategy s) => DynamicModel.Create<(Tensor M, Tensor S), Unit>("q", (t, a) =>
    {
        t.Sample("z", new T.Normal(a.M, a.S).With(s));
        return Unit.Value;
    });

    [Theory]
    [InlineData("reparam", 0.06)]
    [InlineData("reinforce", 0.2)]
    [InlineData("baseline", 0.2)]
    [InlineData("running", 0.2)]
    [InlineData("learned", 0.2)]
    public void Conjugate_elbo_gradient(string strategy, double tol)
    {
        const double y = 1.5, m = 0.2, s = 0.8;
        var y_ = tensor(y);
        var g = GradientCheck.Estimates(4000, 31, [m, s], p => Objectives.Elbo(Conjugate, y_, Vi.Guide(Guide(Pick(strategy)), (p[0], p[1]))));
        GradientCheck.AssertUnbiased(g[0], y - 2 * m, tol, $"{strategy} ∂m");
        GradientCheck.AssertUnbiased(g[1], -2 * s + 1 / s, tol, $"{strategy} ∂s");
    }

    [Fact]
    public void Conjugate_elbo_naive_fails()
    {
        const double y = 1.5, m = 0.2, s = 0.8;
        var y_ = tensor(y);
        var g = GradientCheck.Estimates(4000, 32, [m, s], p => Objectives.Elbo(Conjugate, y_, Vi.Guide(Guide(GradientStrategy.Naive), (p[0], p[1]))));
        GradientCheck.AssertBiased(g[0], y - 2 * m, "naive ∂m");
    }

    // Implicit reparameterisation: ∂/∂α E[x] for Gamma(α, 1) is 1; Beta(a, b): b/(a+b)²; Dirichlet: ∂E[x₀]/∂α₀ = (Σα − α₀)/(Σα)².
    [Fact]
    public void Implicit_reparam_gamma_beta_dirichlet()
    {
        var gam = GradientCheck.Estimates(4000, 41, [2.5], p => Vi.E(vi => vi.Sample(new T.Gamma(p[0], ones_like(p[0])), GradientStrategy.Reparam)));
        GradientCheck.AssertUnbiased(gam[0], 1.0, 0.03, "gamma");
        var beta = GradientCheck.Estimates(4000, 42, [2.0, 3.0], p => Vi.E(vi => vi.Sample(new T.Beta(p[0], p[1]), GradientStrategy.Reparam)));
        GradientCheck.AssertUnbiased(beta[0], 3.0 / 25, 0.01, "beta ∂a");
        GradientCheck.AssertUnbiased(beta[1], -2.0 / 25, 0.01, "beta ∂b");
        var dir = GradientCheck.Estimates(4000, 43, [2.0, 1.0, 3.0], p => Vi.E(vi =>
            vi.Sample(new T.Dirichlet(stack([p[0], p[1], p[2]], -1)), GradientStrategy.Reparam).select(-1, 0)));
        GradientCheck.AssertUnbiased(dir[0], 4.0 / 36, 0.01, "dirichlet ∂α₀");
        GradientCheck.AssertUnbiased(dir[1], -2.0 / 36, 0.01, "dirichlet ∂α₁");
        var naive = GradientCheck.Estimates(4000, 44, [2.5], p => Vi.E(vi => vi.Sample(new T.Gamma(p[0], ones_like(p[0])), GradientStrategy.Naive)));
        GradientCheck.AssertBiased(naive[0], 1.0, "naive gamma");
    }

    // MvNormal through the Cholesky factor: E[x₀² + x₁²] = |μ|² + ‖L‖²_F; ∂μ₀ = 2μ₀, ∂L₁₀ = 2L₁₀.
    [Fact]
    public void Reparam_mvnormal_cholesky()
    {
        var g = GradientCheck.Estimates(4000, 45, [0.5, -0.3, 0.4], p => Vi.E(vi =>
        {
            var loc = stack([p[0], p[1]], -1);
            var one = ones_like(p[0]);
            var zero = zeros_like(p[0]);
            var l = stack([stack([one, zero], -1), stack([p[2], one], -1)], -2);
            return vi.Sample(new T.MvNormal(loc, l), GradientStrategy.Reparam).Squared().sum(-1);
        }));
        GradientCheck.AssertUnbiased(g[0], 1.0, 0.05, "∂μ₀");
        GradientCheck.AssertUnbiased(g[2], 0.8, 0.05, "∂L₁₀");
    }

    // Test 6: c ~ Bern(0.3), x ~ N(μ_c, 1), y ~ N(x, 1) observed; q: c ~ Bern(p), x ~ N(m_c, 1) reparameterised.
    private static readonly double[] Mu = [-1.0, 2.0];
    private const double Pi1 = 0.3, Y = 1.2;

    private static readonly DynamicModel<Unit, Unit> Mixture = DynamicModel.Create("mixture", t =>
    {
        var c = t.Sample("c", new T.Bernoulli(probs: tensor(Pi1)));
        var x = t.Sample("x", new T.Normal(c.Times(Mu[1] - Mu[0]).Plus(Mu[0]), tensor(1.0)));
        t.Observe("y", new T.Normal(x, tensor(1.0)), tensor(Y));
        return Unit.Value;
    });

    private static DynamicModel<Tensor[], Unit> MixtureGuide(GradientStrategy s) => DynamicModel.Create<Tensor[], Unit>("mixture-q", (t, p) =>
    {
        var c = t.Sample("c", new T.Bernoulli(probs: p[0]).With(s));
        t.Sample("x", new T.Normal(p[1].Plus((p[2] - p[1]) * c), ones_like(p[1])));
        return Unit.Value;
    });

    private static (double Dp, double Dm0, double Dm1) MixtureExact(double p, double m0, double m1)
    {
        double F(int c, double m) => -0.5 * ((m - Mu[c]) * (m - Mu[c]) + 1) - 0.5 * ((Y - m) * (Y - m) + 1) + 0.5;
        var a1 = Math.Log(Pi1) - Math.Log(p) + F(1, m1);
        var a0 = Math.Log(1 - Pi1) - Math.Log(1 - p) + F(0, m0);
        return (a1 - a0, (1 - p) * (-(m0 - Mu[0]) + (Y - m0)), p * (-(m1 - Mu[1]) + (Y - m1)));
    }

    [Theory]
    [InlineData("enum", 0.02)]
    [InlineData("mvd", 0.05)]
    [InlineData("reinforce", 0.15)]
    [InlineData("baseline", 0.15)]
    [InlineData("running", 0.15)]
    [InlineData("learned", 0.15)]
    public void Mixed_discrete_continuous(string strategy, double tol)
    {
        double[] theta = [0.4, 0.1, 1.0];
        var (dp, dm0, dm1) = MixtureExact(theta[0], theta[1], theta[2]);
        var g = GradientCheck.Estimates(4000, 51, theta, p => Objectives.Elbo(Mixture, Unit.Value, Vi.Guide(MixtureGuide(Pick(strategy)), p)));
        GradientCheck.AssertUnbiased(g[0], dp, tol, $"{strategy} ∂p");
        GradientCheck.AssertUnbiased(g[1], dm0, tol, $"{strategy} ∂m₀");
        GradientCheck.AssertUnbiased(g[2], dm1, tol, $"{strategy} ∂m₁");
        var naive = GradientCheck.Estimates(4000, 52, theta, p => Objectives.Elbo(Mixture, Unit.Value, Vi.Guide(MixtureGuide(GradientStrategy.Naive), p)));
        GradientCheck.AssertBiased(naive[0], dp, "naive ∂p");
    }
}
