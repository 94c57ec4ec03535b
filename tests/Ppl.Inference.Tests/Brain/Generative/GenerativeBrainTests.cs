using Ppl.Enumeration;
using Ppl.Inference.Amortized.Brain;
using Ppl.Inference.Amortized.Brain.Generative;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Ppl.Inference.Tests.Brain.Generative;

/// <summary>
/// BRAIn over traced programs: the policy, the prior and the reward-conditioned target are [Model] methods
/// (<see cref="BrainGfModels"/>), and every answer is checked against exact enumeration of those programs.
/// The tests share the policy's one parameter store (a [Model] is a static singleton), so they reset it first and run
/// one after another (one class).
/// </summary>
public sealed class GenerativeBrainTests
{
    private static readonly int[] Prompts = [0, 1];
    private static readonly Address Tokens = new("tokens");

    private readonly ITestOutputHelper _output;

    public GenerativeBrainTests(ITestOutputHelper output)
    {
        set_num_threads(1);
        _output = output;
    }

    private static IGenerativeFunction<int, Tensor> Policy => BrainGfModels.PolicyModel;

    /// <summary>A family over the policy with its parameters set to <paramref name="values"/> (zero when null).</summary>
    private static GenerativeFamily<int, Tensor> NewFamily(Func<string, Tensor, Tensor>? values = null)
    {
        var family = new GenerativeFamily<int, Tensor>(Policy, Prompts);
        using var _ = no_grad();
        for (var i = 0; i < family.Parameters.Count; i++)
        {
            var p = family.Parameters[i];
            using var v = values?.Invoke(family.ParameterNames[i], p) ?? zeros_like(p);
            p.copy_(v);
            p.grad?.zero_();
        }
        return family;
    }

    /// <summary>The exact normalised distribution of a program's choices (under <paramref name="at"/>) by enumeration.</summary>
    private static List<(ChoiceMap Y, double LogProb)> Exact(IGenerativeFunction<int, Tensor> function, int x, Address? at = null)
    {
        var result = Enumerate.Model(function, x);
        return result.Entries.Select(e => (at is { } a ? e.Choices.GetSubmap(a) : e.Choices, e.LogWeight - result.LogEvidence)).ToList();
    }

    private static double Tok(ChoiceMap y, int i) => y.Get<Tensor>(new Address("y", i)).item<double>();

    private static string Key(ChoiceMap y) => $"{Tok(y, 0)}{Tok(y, 1)}{Tok(y, 2)}";

    /// <summary>Exact forward KL(π* ‖ q) at prompt x, q scored through the family adapter.</summary>
    private static double ForwardKl(GenerativeFamily<int, Tensor> family, int x)
    {
        var target = Exact(BrainGfModels.TargetModel, x, Tokens);
        using var logQ = family.LogProb([x], target.Select(t => t.Y).ToArray());
        var lq = logQ.data<double>().ToArray();
        return target.Select((t, k) => Math.Exp(t.LogProb) * (t.LogProb - lq[k])).Sum();
    }

    private static double PriorKl(int x)
    {
        var target = Exact(BrainGfModels.TargetModel, x, Tokens);
        var prior = Exact(BrainGfModels.PriorModel, x);
        return target.Select(t => Math.Exp(t.LogProb) * (t.LogProb - prior.Single(e => Key(e.Y) == Key(t.Y)).LogProb)).Sum();
    }

    /// <summary>
    /// The policy's tables set to π*'s own conditionals (π* is a Markov chain: see <see cref="BrainGfModels"/>):
    /// log π*(y₀), log π*(y₁ | y₀), log π*(y₂ | y₁) per prompt, from the enumerated target.
    /// </summary>
    private static Tensor OptimalTable(string name, Tensor like)
    {
        var table = zeros_like(like);
        var v = BrainGfModels.Vocabulary;
        foreach (var x in Prompts)
        {
            var target = Exact(BrainGfModels.TargetModel, x, Tokens);
            double P(Func<ChoiceMap, bool> f) => target.Where(t => f(t.Y)).Sum(t => Math.Exp(t.LogProb));
            for (var a = 0; a < v; a++)
            {
                if (name == "start") table[x, a] = tensor(Math.Log(P(y => Tok(y, 0) == a)));
                for (var b = 0; b < v && name != "start"; b++)
                {
                    var (i, j) = name == "t1" ? (0, 1) : (1, 2);
                    table[x, a, b] = tensor(Math.Log(P(y => Tok(y, i) == a && Tok(y, j) == b) / P(y => Tok(y, i) == a)));
                }
            }
        }
        return table;
    }

    [Fact]
    public void Adapters_log_probabilities_equal_the_enumerated_ones()
    {
        using var scope = NewDisposeScope();
        var rng = new Rng(5);
        var family = NewFamily((_, p) => tensor(Enumerable.Range(0, (int)p.numel()).Select(_ => rng.NextGaussian()).ToArray()).reshape(p.shape));
        var nested = new GenerativeTarget<int, Tensor>(BrainGfModels.TargetModel, Tokens);
        var inline = new GenerativeTarget<int, Tensor>(BrainGfModels.InlineTargetModel);
        foreach (var x in Prompts)
        {
            // The policy: log q_θ(y | x) of every output, against the enumerated policy program.
            var policy = Exact(Policy, x);
            Assert.Equal(27, policy.Count);
            var lq = family.LogProb([x], policy.Select(e => e.Y).ToArray()).data<double>().ToArray();
            for (var k = 0; k < policy.Count; k++) Assert.Equal(policy[k].LogProb, lq[k], 12);

            // The prior: log p(y | x) from the target (its score less its factor) against the enumerated prior program.
            var prior = Exact(BrainGfModels.PriorModel, x);
            var ys = prior.Select(e => e.Y).ToArray();
            var lp = nested.LogProb([x], ys).data<double>().ToArray();
            var lpInline = inline.LogProb([x], ys).data<double>().ToArray();
            var logGoodness = nested.Score([x], ys).data<double>().ToArray();
            for (var k = 0; k < prior.Count; k++)
            {
                Assert.Equal(prior[k].LogProb, lp[k], 12);
                Assert.Equal(prior[k].LogProb, lpInline[k], 12);
                var y = ys[k];
                Assert.Equal(BrainGfModels.Reward(x, (int)Tok(y, 0), (int)Tok(y, 1), (int)Tok(y, 2)) / BrainGfModels.Beta, logGoodness[k], 12);
            }

            // The target: log p + log ℓ is the enumerated target's unnormalised log weight, for both ways of writing it.
            var target = Enumerate.Model(BrainGfModels.TargetModel, x);
            foreach (var e in target.Entries)
            {
                var y = e.Choices.GetSubmap(Tokens);
                Assert.Equal(e.LogWeight, nested.LogTarget(x, y), 12);
                Assert.Equal(e.LogWeight, inline.LogTarget(x, y), 12);
            }
        }
    }

    [Fact]
    public void Prior_draws_from_the_target_follow_the_prior()
    {
        // The target run ancestrally is the prior proposal: its outputs are the policy's addresses (the prefix taken
        // off), and their frequencies match the enumerated prior (χ² over 27 cells, 1500 draws).
        var target = new GenerativeTarget<int, Tensor>(BrainGfModels.TargetModel, Tokens);
        const int n = 1500;
        var draws = target.Sample([1], n, new Rng(11));
        Assert.All(draws, y => Assert.Equal(3, y.Count));
        var exact = Exact(BrainGfModels.PriorModel, 1);
        var counts = new double[exact.Count];
        var index = exact.Select((e, k) => (Key(e.Y), k)).ToDictionary(e => e.Item1, e => e.k);
        foreach (var y in draws) counts[index[Key(y)]]++;
        // Cells expected fewer than 5 times are pooled into one (the χ² approximation needs it).
        double pooledCount = 0, pooledExpected = 0, chi2 = 0;
        var cells = 0;
        for (var k = 0; k < exact.Count; k++)
        {
            var expected = n * Math.Exp(exact[k].LogProb);
            if (expected < 5)
            {
                pooledCount += counts[k];
                pooledExpected += expected;
                continue;
            }
            chi2 += Math.Pow(counts[k] - expected, 2) / expected;
            cells++;
        }
        if (pooledExpected > 0)
        {
            chi2 += Math.Pow(pooledCount - pooledExpected, 2) / pooledExpected;
            cells++;
        }
        // P(χ²_df > df + 4.5 √(2 df)) is below 1e-3 for the df here (at most 26).
        var df = cells - 1;
        Assert.True(chi2 < df + 4.5 * Math.Sqrt(2.0 * df), $"χ² = {chi2} on {df} degrees of freedom");
        // Negative control: the same counts against the tilted target (what a wrong, factor-weighted sampler would give) fail.
        var tilted = Exact(BrainGfModels.TargetModel, 1, Tokens);
        var wrong = exact.Select((e, k) =>
        {
            var expected = n * Math.Exp(tilted.Single(t => Key(t.Y) == Key(e.Y)).LogProb);
            return Math.Pow(counts[k] - expected, 2) / expected;
        }).Sum();
        Assert.True(wrong > 10 * (df + 4.5 * Math.Sqrt(2.0 * df)), $"χ² against π* = {wrong}");
    }

    [Fact]
    public void Accumulated_gradients_equal_finite_differences_of_the_log_probabilities()
    {
        using var scope = NewDisposeScope();
        var rng = new Rng(6);
        var family = NewFamily((_, p) => tensor(Enumerable.Range(0, (int)p.numel()).Select(_ => 0.5 * rng.NextGaussian()).ToArray()).reshape(p.shape));
        var ys = family.Sample(Prompts, 4, new Rng(7));
        var w = tensor(new double[] { 0.3, -1.2, 0.7, 2.0, -0.4, 0.1, 1.5, -0.8 }).reshape(2, 4);
        family.AccumulateGradients(Prompts, ys, w);
        double Objective() => (w * family.LogProb(Prompts, ys)).sum().item<double>();
        const double h = 1e-6;
        for (var i = 0; i < family.Parameters.Count; i++)
        {
            var p = family.Parameters[i];
            var grad = p.grad!.clone().reshape(-1).data<double>().ToArray();
            var flat = p.detach().reshape(-1);
            for (var j = 0; j < grad.Length; j++)
            {
                var v = flat[j].item<double>();
                using (no_grad()) flat[j] = tensor(v + h);
                var up = Objective();
                using (no_grad()) flat[j] = tensor(v - h);
                var down = Objective();
                using (no_grad()) flat[j] = tensor(v);
                Assert.True(Math.Abs((up - down) / (2 * h) - grad[j]) < 1e-6, $"{family.ParameterNames[i]}[{j}]: {grad[j]} vs {(up - down) / (2 * h)}");
            }
        }
    }

    [Fact]
    public void Brain_coefficients_vanish_when_the_policy_is_the_programs_target()
    {
        using var scope = NewDisposeScope();
        var family = NewFamily(OptimalTable);
        foreach (var x in Prompts) Assert.True(ForwardKl(family, x) < 1e-12);
        var target = new GenerativeTarget<int, Tensor>(BrainGfModels.TargetModel, Tokens).ToDistillationTarget();
        var indices = Enumerable.Range(0, 20).Select(g => g % 2).ToArray();
        // From the prior and from a uniform-start policy snapshot alike: α̂ = β̂ for every sample set.
        foreach (var proposal in new IConditionalModel<int, ChoiceMap>[] { target.Prior, family.Snapshot() })
        {
            using var store = SampleStore<int, ChoiceMap>.Generate(target, proposal, indices.Select(i => Prompts[i]).ToArray(), indices, 8, new Rng(9));
            var (ps, ys, batch) = store.Slice(0, store.Groups);
            var c = DistillationObjective.Coefficients(batch, family.LogProb(ps, ys), DistillationOptions.Brain);
            Assert.True(c.abs().max().item<double>() < 1e-12, $"max |c| = {c.abs().max().item<double>()}");
        }

        // Negative control: the same policy against the prior alone (the target without its Factor) is far from zero.
        var noReward = new GenerativeTarget<int, Tensor>(BrainGfModels.PriorModel).ToDistillationTarget();
        using var control = SampleStore<int, ChoiceMap>.Generate(noReward, noReward.Prior, indices.Select(i => Prompts[i]).ToArray(), indices, 8, new Rng(9));
        var (cps, cys, cbatch) = control.Slice(0, control.Groups);
        Assert.True(DistillationObjective.Coefficients(cbatch, family.LogProb(cps, cys), DistillationOptions.Brain).abs().max().item<double>() > 0.05);
    }

    [Fact]
    public void Brain_distillation_of_a_policy_program_reaches_the_exact_tilted_target()
    {
        // Tolerance. The target tilts the prior hard (r up to 4, β = 0.5): KL(π* ‖ p) ≈ 2.0 nats and the uniform start is
        // 2.4 away. The trained policy's distance is the trainer's Monte Carlo floor (640 prior draws per run, ESS of a
        // few per group of 8, Adam's noise at step 0.15): over seeds 3, 4, 5 it measured 0.059, 0.020, 0.037 nats (mean
        // 0.04, sd 0.02), so 0.15 is about mean + 5 sd. The control lands at KL(π* ‖ p) ≈ 2.0, thirteen times the
        // tolerance: the check has power against a policy that learned the wrong target.
        const double tolerance = 0.15;
        var options = new BrainTrainingOptions { SamplesPerPrompt = 8, GroupsPerStep = 2, Steps = 40, RefreshEvery = 40, LearningRate = 0.15, Seed = 3 };
        var family = NewFamily();
        var start = Prompts.Average(x => ForwardKl(family, x));
        GenerativeBrain.Distill(Policy, BrainGfModels.TargetModel, Prompts, options, priorAddress: Tokens);
        var trained = Prompts.Average(x => ForwardKl(family, x));

        // Negative control: the same estimator and settings on the target without its reward factor (the prior) learn
        // the prior, which misses π* by far more than the tolerance.
        family = NewFamily();
        GenerativeBrain.Distill(Policy, BrainGfModels.PriorModel, Prompts, options);
        var control = Prompts.Average(x => ForwardKl(family, x));
        _output.WriteLine($"KL(π* ‖ q): start {start:F4}, BRAIn {trained:F4}, control {control:F4}; KL(π* ‖ p) {Prompts.Average(PriorKl):F4}");
        Assert.True(trained < tolerance, $"KL(π* ‖ q) = {trained} after BRAIn (start {start})");
        Assert.True(control > 3 * tolerance, $"KL(π* ‖ q) = {control} for the policy trained without the reward (BRAIn: {trained})");
    }

    [Fact]
    public void A_tensor_family_distils_a_program_target_through_a_projection_of_its_outputs()
    {
        // The policy is a TorchSharp family over token arrays; the target is the [Model] (choices at tokens/y/i). The
        // projection maps a token array to the prior's choices (scalar tensors, as the prior draws them) and back.
        static int[] FromChoices(ChoiceMap y) => [(int)Tok(y, 0), (int)Tok(y, 1), (int)Tok(y, 2)];
        static ChoiceMap ToChoices(int[] y) => ChoiceMap.From(
            (new Address("y", 0), tensor((double)y[0])), (new Address("y", 1), tensor((double)y[1])), (new Address("y", 2), tensor((double)y[2])));
        var program = new GenerativeTarget<int, Tensor>(BrainGfModels.TargetModel, Tokens).ToDistillationTarget();
        var target = new ProjectedTarget<int, int[]>(program, FromChoices, ToChoices).ToDistillationTarget();

        // The same settings and tolerance as the generative policy's test (same Monte Carlo floor); the control is the
        // prior projected the same way.
        var options = new BrainTrainingOptions { SamplesPerPrompt = 8, GroupsPerStep = 2, Steps = 40, RefreshEvery = 40, LearningRate = 0.15, Seed = 3 };
        double Kl(TabularTokenPolicy q) => Prompts.Average(x =>
        {
            var exact = Exact(BrainGfModels.TargetModel, x, Tokens);
            using var lq = q.LogProb([x], exact.Select(e => FromChoices(e.Y)).ToArray());
            var v = lq.data<double>().ToArray();
            return exact.Select((e, k) => Math.Exp(e.LogProb) * (e.LogProb - v[k])).Sum();
        });
        var policy = new TabularTokenPolicy();
        BrainTrainer.Train(target, policy, Prompts, options);
        var trained = Kl(policy);
        var control = new TabularTokenPolicy();
        var prior = new ProjectedTarget<int, int[]>(new GenerativeTarget<int, Tensor>(BrainGfModels.PriorModel).ToDistillationTarget(), FromChoices, ToChoices);
        BrainTrainer.Train(prior.ToDistillationTarget(), control, Prompts, options);
        var wrong = Kl(control);
        // The same draws (same seed, same prior proposal) and the same gradients give the same Adam trajectory as the
        // generative policy's, whose gradients come from AccumulateParameterGradients with no tape of the trainer's.
        var family = NewFamily();
        GenerativeBrain.Distill(Policy, BrainGfModels.TargetModel, Prompts, options, priorAddress: Tokens);
        for (var i = 0; i < 3; i++)
        {
            using var a = nn.functional.log_softmax(family.Parameters[i].detach(), -1);
            using var b = nn.functional.log_softmax(policy.Parameters[i].detach(), -1);
            var gap = (a - b).abs().max().item<double>();
            Assert.True(gap < 1e-9, $"{family.ParameterNames[i]}: the two policies differ by {gap}");
        }
        _output.WriteLine($"KL(π* ‖ q): BRAIn {trained:F4}, control {wrong:F4}");
        Assert.True(trained < 0.15, $"KL(π* ‖ q) = {trained}");
        Assert.True(wrong > 0.45, $"control KL(π* ‖ q) = {wrong}");

        // A projection that does not invert is refused at the first draw, naming the address.
        var broken = new ProjectedTarget<int, int[]>(program, FromChoices, y => ToChoices([y[0], y[1], (y[2] + 1) % 3]));
        var e = Assert.Throws<ArgumentException>(() => broken.Sample([0], 1, new Rng(1)));
        Assert.Contains("y/2", e.Message);
    }

    [Fact]
    public void A_policy_snapshot_keeps_its_values_while_the_policy_trains()
    {
        using var scope = NewDisposeScope();
        var family = NewFamily(OptimalTable);
        var snapshot = family.Snapshot();
        var ys = family.Sample(Prompts, 5, new Rng(4));
        var before = family.LogProb(Prompts, ys).data<double>().ToArray();
        using (no_grad())
            foreach (var p in family.Parameters) p.copy_(zeros_like(p));
        var live = family.LogProb(Prompts, ys).data<double>().ToArray();
        Assert.Equal(before, snapshot.LogProb(Prompts, ys).data<double>().ToArray());
        // The live policy is unchanged by the snapshot's call (uniform: 3 tokens of 3 values).
        Assert.Equal(live, family.LogProb(Prompts, ys).data<double>().ToArray());
        Assert.All(live, v => Assert.Equal(-3 * Math.Log(3), v, 12));
        ((IDisposable)snapshot).Dispose();
    }

    [Fact]
    public void Every_preset_trains_a_policy_program()
    {
        // The estimator family runs unchanged on programs: DPG and GDC++ with the exact log Z (by enumeration), RWS, DPO-sft
        // (n = 2, argmax) and on-policy REINFORCE (a policy snapshot per step, so the target scores the policy's draws,
        // not its own). Ten steps each from the uniform start (KL ≈ 2.4) must move the policy towards π*.
        var logZ = Prompts.Select(x => Enumerate.Model(BrainGfModels.TargetModel, x).LogEvidence).ToArray();
        var presets = new[]
        {
            new BrainTrainingOptions { Objective = DistillationOptions.Dpg, LogNormalizer = i => logZ[i] },
            new BrainTrainingOptions { Objective = DistillationOptions.GdcPlusPlus, LogNormalizer = i => logZ[i] },
            new BrainTrainingOptions { Objective = DistillationOptions.RwsWake },
            new BrainTrainingOptions { Objective = DistillationOptions.Dpo, SamplesPerPrompt = 2 },
            new BrainTrainingOptions { Objective = DistillationOptions.Reinforce, Proposal = ProposalSource.PolicySnapshot, RefreshEvery = 1 },
        };
        foreach (var preset in presets)
        {
            var family = NewFamily();
            var start = Prompts.Average(x => ForwardKl(family, x));
            var options = preset with { SamplesPerPrompt = preset.Objective == DistillationOptions.Dpo ? 2 : 8, GroupsPerStep = 2, Steps = 10, LearningRate = 0.15, Seed = 5 };
            var result = GenerativeBrain.Distill(Policy, BrainGfModels.TargetModel, Prompts, options, priorAddress: Tokens);
            var end = Prompts.Average(x => ForwardKl(family, x));
            _output.WriteLine($"{preset.Objective.Name}: KL {start:F3} → {end:F3}");
            Assert.Equal(10, result.Steps);
            Assert.All(result.Losses, l => Assert.True(double.IsFinite(l)));
            Assert.True(end < start - 0.2, $"{preset.Objective.Name}: KL(π* ‖ q) {start} → {end}");
        }
    }

    [Fact]
    public void Bad_programs_are_refused_with_their_names()
    {
        // A proposal with a factor is not a distribution over its choices.
        var factored = new GenerativeConditionalModel<int, Tensor>(BrainGfModels.FactoredProposalModel);
        var e = Assert.Throws<InferenceException>(() => factored.Sample([0], 2, new Rng(1)));
        Assert.Contains("FactoredProposal", e.Message);
        Assert.Contains("Factor", e.Message);

        // A policy with no Param.
        var a = Assert.Throws<ArgumentException>(() => new GenerativeFamily<int, Tensor>(BrainGfModels.PriorModel, Prompts));
        Assert.Contains("Param", a.Message);

        // The target's prior at another address than the one given: the output misses the target's choices.
        var wrong = new GenerativeTarget<int, Tensor>(BrainGfModels.TargetModel, new Address("elsewhere"));
        var ys = new GenerativeTarget<int, Tensor>(BrainGfModels.TargetModel, Tokens).Sample([0], 1, new Rng(2));
        var m = Assert.ThrowsAny<PplException>(() => wrong.LogProb([0], ys));
        Assert.Contains("tokens", m.Message);
    }
}
