using Ppl.Inference.Amortized.Brain;
using Ppl.Inference.Amortized.Language;
using Xunit;
using static TorchSharp.torch;

namespace Ppl.Inference.Tests.Amortized.Language;

/// <summary>
/// The transformer language model as a distribution over continuations: teacher-forced scoring equals generation step
/// by step, the logits are causal, saved weights score identically, sampling follows the model's own distribution,
/// and the distillation loss and gradient on an enumerable vocabulary equal their exact values.
/// </summary>
// TorchSharp's module constructors draw their default initialisation from the process-wide generator (the weights are
// then overwritten from the test's stream); in this collection they cannot shift another class's global draws.
[Collection(nameof(TorchGlobalStateCollection))]
public sealed class TransformerLanguageModelTests
{
    public TransformerLanguageModelTests() => set_num_threads(1);

    private static TransformerLanguageModel Model(int vocabulary, int continuation, ulong seed, int context = 8, double scale = 1.0)
    {
        var model = new TransformerLanguageModel(new CausalTransformer(new TransformerOptions
        {
            Vocabulary = vocabulary, ContextLength = context, Width = 16, Layers = 2, Heads = 2,
        }, new Rng(seed)), continuation, dtype: ScalarType.Float64);
        // GPT-2's 0.02 initialisation is nearly uniform; spread the weights so the distributions differ visibly.
        using var _ = no_grad();
        foreach (var p in model.Parameters) p.MulInPlace(scale);
        return model;
    }

    [Fact]
    public void TeacherForcedLogProbEqualsStepByStepRecomputation()
    {
        using var model = Model(vocabulary: 11, continuation: 4, seed: 3, scale: 40);
        var prompts = new[] { new[] { 1, 5, 2 }, new[] { 7, 7, 0 } };
        var outputs = model.Sample(prompts, 3, new Rng(5));
        var batched = model.LogProb(prompts, outputs);
        for (var i = 0; i < outputs.Length; i++)
        {
            var context = new List<int>(prompts[i / 3]);
            double stepwise = 0;
            foreach (var token in outputs[i])
            {
                stepwise += model.NextTokenLogProbabilities(context)[token];
                context.Add(token);
            }
            Assert.Equal(stepwise, batched[i / 3, i % 3].item<double>(), 10);
        }
        Assert.True(batched.max().item<double>() <= 0);
    }

    [Fact]
    public void LogitsAtAPositionDoNotDependOnLaterTokens()
    {
        using var model = Model(vocabulary: 9, continuation: 3, seed: 4, scale: 40);
        using var _ = no_grad();
        var a = tensor(new long[] { 1, 2, 3, 4, 5, 6 }).view(1, 6);
        var b = tensor(new long[] { 1, 2, 3, 8, 0, 7 }).view(1, 6);
        var la = model.Network.forward(a);
        var lb = model.Network.forward(b);
        Assert.True(la.narrow(1, 0, 3).allclose(lb.narrow(1, 0, 3), rtol: 0, atol: 1e-12));
        Assert.False(la.narrow(1, 3, 1).allclose(lb.narrow(1, 3, 1), rtol: 0, atol: 1e-6)); // control: a later position does see the change
    }

    [Fact]
    public void SavedAndLoadedModelsScoreIdentically()
    {
        using var model = Model(vocabulary: 13, continuation: 3, seed: 6, scale: 20);
        var path = Path.Combine(Path.GetTempPath(), $"ppl-lm-{Guid.NewGuid():N}.bin");
        try
        {
            model.Save(path);
            using var loaded = TransformerLanguageModel.Load(path, model.Network.Options, 3, dtype: ScalarType.Float64);
            using var other = Model(vocabulary: 13, continuation: 3, seed: 7, scale: 20);
            var prompts = new[] { new[] { 4, 2 } };
            var outputs = model.Sample(prompts, 16, new Rng(8));
            var expected = model.LogProb(prompts, outputs).data<double>().ToArray();
            Assert.Equal(expected, loaded.LogProb(prompts, outputs).data<double>().ToArray());
            Assert.NotEqual(expected, other.LogProb(prompts, outputs).data<double>().ToArray()); // control: different weights differ
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void SamplesFollowTheModelsOwnDistribution()
    {
        // Vocabulary 3, continuation 2: nine outcomes whose probabilities come from scoring; 6,000 draws must match them.
        using var model = Model(vocabulary: 3, continuation: 2, seed: 9, scale: 60);
        var prompt = new[] { new[] { 1 } };
        var all = (from a in Enumerable.Range(0, 3) from b in Enumerable.Range(0, 3) select new[] { a, b }).ToArray();
        var p = model.LogProb(prompt, all).exp().data<double>().ToArray();
        Assert.Equal(1.0, p.Sum(), 10);
        const int draws = 6000;
        var counts = new int[9];
        foreach (var y in model.Sample(prompt, draws, new Rng(10))) counts[y[0] * 3 + y[1]]++;
        for (var k = 0; k < 9; k++)
        {
            var se = Math.Sqrt(p[k] * (1 - p[k]) / draws);
            Assert.InRange(counts[k] / (double)draws, p[k] - 5 * se - 1e-9, p[k] + 5 * se + 1e-9);
        }
    }

    /// <summary>
    /// With every continuation of an enumerable vocabulary as the samples of one prompt, drawn from a uniform proposal,
    /// the self-normalised target weights are exactly π*(y) and BRAIn's baseline weights exactly q(y): the loss equals
    /// the cross-entropy −Σ π* log q and its gradient the exact −∇ Σ π* log q, which the test computes separately.
    /// DPG and GDC++ with the exact log Z give the same gradient; DPG with a wrong log Z does not (negative control).
    /// </summary>
    [Fact]
    public void DistillationLossAndGradientEqualTheExactValuesOnAnEnumerableVocabulary()
    {
        using var policy = Model(vocabulary: 3, continuation: 3, seed: 11, scale: 40);
        using var prior = Model(vocabulary: 3, continuation: 3, seed: 12, scale: 40).Freeze();
        var prompt = new[] { new[] { 2 } };
        var all = (from a in Enumerable.Range(0, 3) from b in Enumerable.Range(0, 3) from c in Enumerable.Range(0, 3) select new[] { a, b, c }).ToArray();
        var reward = all.Select(y => 0.7 * y.Count(t => t == 1) - 0.4 * (y[0] == y[2] ? 1 : 0)).ToArray();
        const double beta = 0.5;

        // The exact target by enumeration, from the prior's step-by-step next-token probabilities.
        var logP = all.Select(y => StepwiseLogProb(prior, prompt[0], y)).ToArray();
        var logJoint = logP.Select((lp, i) => lp + reward[i] / beta).ToArray();
        var logZ = LogSumExp(logJoint);
        var target = logJoint.Select(v => Math.Exp(v - logZ)).ToArray();

        var logProposal = Math.Log(1.0 / all.Length);
        var batch = new SampleBatch(tensor(logP).view(1, -1), TensorArithmetic.Full([1, all.Length], logProposal, ScalarType.Float64),
            tensor(reward).view(1, -1).Over(beta), tensor(new[] { logZ }));

        // Exact cross-entropy and its gradient by autograd on −Σ π* log q.
        var exactLoss = -target.Select((t, i) => t * policy.LogProb(prompt, [all[i]]).item<double>()).Sum();
        foreach (var p in policy.Parameters) p.grad?.zero_();
        (-(tensor(target).view(1, -1) * policy.LogProbWithGradient(prompt, all)).sum()).backward();
        var exactGradient = Flatten(policy);

        var logQ = policy.LogProb(prompt, all);
        Assert.Equal(exactLoss, DistillationObjective.Loss(batch, logQ, DistillationOptions.Brain).item<double>(), 9);
        foreach (var estimator in new[] { DistillationOptions.Brain, DistillationOptions.Dpg, DistillationOptions.GdcPlusPlus })
            AssertClose(exactGradient, EstimatorGradient(policy, prompt, all, batch, estimator), 1e-9);

        var wrong = batch with { LogNormalizer = tensor(new[] { logZ - Math.Log(2) }) };
        var off = EstimatorGradient(policy, prompt, all, wrong, DistillationOptions.Dpg);
        Assert.True(MaxAbsDifference(exactGradient, off) > 0.1 * exactGradient.Max(Math.Abs));
    }

    [Fact]
    public void BadInputGetsAClearMessage()
    {
        using var model = Model(vocabulary: 5, continuation: 3, seed: 13);
        var tooLong = Assert.Throws<ArgumentException>(() => model.LogProb([new[] { 1, 2, 3, 4, 1, 2 }], [new[] { 1, 2, 3 }]));
        Assert.Contains("context of 8", tooLong.Message);
        var ragged = Assert.Throws<ArgumentException>(() => model.Sample([new[] { 1, 2 }, new[] { 1 }], 2, new Rng(1)));
        Assert.Contains("same length", ragged.Message);
        var token = Assert.Throws<ArgumentOutOfRangeException>(() => model.LogProb([new[] { 1, 2 }], [new[] { 1, 9, 3 }]));
        Assert.Contains("0 … 4", token.Message);
        Assert.Throws<ArgumentException>(() => new TransformerOptions { Vocabulary = 10, Width = 10, Heads = 3 }.Validate());
    }

    private static double[] EstimatorGradient(TransformerLanguageModel policy, int[][] prompt, int[][] all, SampleBatch batch, DistillationOptions estimator)
    {
        foreach (var p in policy.Parameters) p.grad?.zero_();
        var weights = DistillationObjective.LossWeights(batch, policy.LogProb(prompt, all), estimator);
        policy.AccumulateGradients(prompt, all, weights);
        return Flatten(policy);
    }

    private static double StepwiseLogProb(TransformerLanguageModel model, int[] prompt, int[] y)
    {
        var context = new List<int>(prompt);
        double sum = 0;
        foreach (var t in y) { sum += model.NextTokenLogProbabilities(context)[t]; context.Add(t); }
        return sum;
    }

    private static double[] Flatten(TransformerLanguageModel model) =>
        model.Parameters.SelectMany(p => p.grad!.flatten().to_type(ScalarType.Float64).data<double>().ToArray()).ToArray();

    private static double MaxAbsDifference(double[] a, double[] b) => a.Zip(b, (x, y) => Math.Abs(x - y)).Max();

    private static void AssertClose(double[] expected, double[] actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        Assert.True(expected.Max(Math.Abs) > 1e-3, "the exact gradient should not vanish");
        Assert.True(MaxAbsDifference(expected, actual) < tolerance, $"max |Δ| = {MaxAbsDifference(expected, actual):G3}");
    }

    private static double LogSumExp(double[] v)
    {
        var m = v.Max();
        return m + Math.Log(v.Sum(x => Math.Exp(x - m)));
    }
}
