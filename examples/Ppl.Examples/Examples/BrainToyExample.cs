using System.Globalization;
using Ppl.Examples.Tasks.Brain;
using Ppl.Inference.Amortized.Brain;
using Ppl.Inference.Amortized.Brain.Generative;
using Spectre.Console;

namespace Ppl.Examples;

/// <summary>
/// papers.md 4.6 T2: a 5-token, length-5 autoregressive prior with 8 prompts, a Bradley–Terry reward
/// model fitted to synthetic preferences, the exact target π* ∝ p exp(r/β) by enumeration, and BRAIn,
/// DPG, GDC++, DPO-sft and KL-regularised REINFORCE trained from the same start with the same code path. The same
/// target is also written as [Model] methods (<see cref="BrainToyPrograms"/>: the prior's five draws, then
/// Factor(r / β)); it is checked against the network target and BRAIn is trained on it ("brain-program").
/// </summary>
internal sealed class BrainToyExample : IExample
{
    public string Name => "brain-toy";

    public string Description => "BRAIn vs DPG, GDC++, DPO-sft and REINFORCE on a tiny autoregressive model with an exact target";

    public IReadOnlyDictionary<string, object> Run(ExampleContext context)
    {
        TorchSharp.torch.set_num_threads(1);
        var steps = context.Int("steps", 2000);
        var rng = new Rng(context.Seed);
        var task = ToySequenceTask.Create(new ToySequenceTaskOptions(), rng.Split());
        context.Console.WriteLine($"Reward model: Bradley–Terry loss {task.RewardFit.FinalLoss:F3}, pair accuracy {task.RewardFit.Accuracy:P1}");
        context.Console.WriteLine($"Prior: forward KL to π* {task.PriorMetrics.ForwardKl:F3} nats, E[r*] {task.PriorMetrics.ExpectedTrueReward:F3}; π*: E[r*] {task.TargetMetrics.ExpectedTrueReward:F3}, win rate {task.TargetMetrics.WinRate:P1}");

        // Initial gradient variance at the start (q = prior) with a proposal that differs from the policy.
        var uniform = new UniformTokenModel(task.Options.Vocabulary, task.Options.Length);
        var variance = new Dictionary<string, double>();
        foreach (var o in new[] { DistillationOptions.Brain, DistillationOptions.Dpg, DistillationOptions.GdcPlusPlus })
            variance[o.Name] = task.GradientVariance(task.NewPolicy(), uniform, o, 8, 200, new Rng((ulong)context.Seed + 7));

        // The target as a program: the prior's tokens at tokens/y/t, then Factor(r / β). The policy stays the network
        // (outputs are token arrays), so the program's choices are projected to and from token arrays.
        var tables = new BrainToyTables(task);
        var program = new GenerativeTarget<int, (BrainToyTables, int), int>(BrainToyPrograms.TargetModel, x => (tables, x), new Address("tokens"));
        var length = task.Options.Length;
        int[] FromChoices(ChoiceMap c) => Enumerable.Range(0, length).Select(t => c.Get<int>(new Address("y", t))).ToArray();
        ChoiceMap ToChoices(int[] y) => ChoiceMap.From(y.Select((v, t) => (new Address("y", t), (object)v)).ToArray());
        var programTarget = new ProjectedTarget<int, int[]>(program.ToDistillationTarget(), FromChoices, ToChoices).ToDistillationTarget();
        var programGap = 0.0;
        var checkRng = new Rng((ulong)context.Seed + 13);
        var sequences = (int)task.AllSequences.shape[0];
        for (var k = 0; k < 500; k++)
        {
            var x = checkRng.Next(task.Options.Prompts);
            var code = checkRng.Next(sequences);
            var y = new int[length];
            for (int t = length - 1, c = code; t >= 0; t--, c /= task.Options.Vocabulary) y[t] = c % task.Options.Vocabulary;
            var exact = task.LogTarget[x, code].item<double>() + task.LogNormalizer[x].item<double>();
            programGap = Math.Max(programGap, Math.Abs(program.LogTarget(x, ToChoices(y)) - exact));
        }
        context.Console.WriteLine($"[Model] target vs network target, log p + r/β on 500 sequences: max |Δ| = {programGap:G3}");

        double LogZ(int x) => task.LogNormalizer[x].item<double>();
        var methods = new (string Name, BrainTrainingOptions Options)[]
        {
            ("brain", new() { Objective = DistillationOptions.Brain }),
            ("brain-program", new() { Objective = DistillationOptions.Brain }),
            ("brain-refresh", new() { Objective = DistillationOptions.Brain, Proposal = ProposalSource.PolicySnapshot, RefreshEvery = 200 }),
            ("dpg", new() { Objective = DistillationOptions.Dpg, LogNormalizer = LogZ }),
            ("gdcpp", new() { Objective = DistillationOptions.GdcPlusPlus, LogNormalizer = LogZ }),
            ("dpo", new() { Objective = DistillationOptions.Dpo, SamplesPerPrompt = 2 }),
            ("reinforce", new() { Objective = DistillationOptions.Reinforce, Proposal = ProposalSource.PolicySnapshot, RefreshEvery = 1 }),
        };
        var results = new Dictionary<string, ToyMetrics>();
        foreach (var (name, o) in methods)
        {
            var policy = task.NewPolicy();
            var options = o with { Steps = steps, Seed = (ulong)context.Seed + 11, LearningRate = context.Int("lr-permille", 10) / 1000.0 };
            context.WithProgress(name, progress =>
                BrainTrainer.Train(name == "brain-program" ? programTarget : task.Target, policy, task.PromptList, options, new Ppl.Inference.RunOptions { Progress = progress }));
            results[name] = task.Evaluate(policy);
        }

        var table = new Table().Title($"Exact metrics after {steps} steps (averaged over 8 prompts)").Border(TableBorder.Rounded)
            .AddColumns("method", "forward KL", "reverse KL", "E(r*)", "win rate vs prior");
        void Row(string name, ToyMetrics m) => table.AddRow(name, F(m.ForwardKl), F(m.ReverseKl), F(m.ExpectedTrueReward), m.WinRate.ToString("P1", CultureInfo.InvariantCulture));
        Row("prior (start)", task.PriorMetrics);
        foreach (var (name, m) in results) Row(name, m);
        Row("exact π*", task.TargetMetrics);
        context.Console.Write(table);
        context.Console.WriteLine($"Initial gradient variance (uniform proposal, n = 8): BRAIn {variance["brain"]:G3}, DPG {variance["dpg"]:G3}, GDC++ {variance["gdcpp"]:G3}");

        return new Dictionary<string, object>
        {
            ["forward_kl"] = new Dictionary<string, double>
            {
                ["brain"] = R(results["brain"].ForwardKl), ["brain_program"] = R(results["brain-program"].ForwardKl), ["dpg"] = R(results["dpg"].ForwardKl), ["gdcpp"] = R(results["gdcpp"].ForwardKl),
                ["dpo"] = R(results["dpo"].ForwardKl), ["reinforce"] = R(results["reinforce"].ForwardKl),
            },
            ["initial_grad_variance"] = new Dictionary<string, double> { ["brain"] = R(variance["brain"]), ["dpg"] = R(variance["dpg"]), ["gdcpp"] = R(variance["gdcpp"]) },
            ["win_rate"] = new Dictionary<string, double> { ["brain"] = R(results["brain"].WinRate), ["brain_program"] = R(results["brain-program"].WinRate), ["exact"] = R(task.TargetMetrics.WinRate) },
            ["program_target_max_gap"] = programGap,
        };
    }

    private static string F(double v) => v.ToString("F4", CultureInfo.InvariantCulture);

    private static double R(double v) => Math.Round(v, 5);
}
