using Ppl.Inference.Amortized.Brain;
using static TorchSharp.torch;

namespace Ppl.Inference.Tests.Brain.Generative;

/// <summary>
/// The same Markov-chain policy as <see cref="BrainGfModels.Policy"/> written as a TorchSharp family over token arrays
/// (not a generative function): log q_θ is one batched gather of log-softmaxed tables, so it trains through the
/// autograd tape of <see cref="TensorAmortizedFamily{TX, TY}"/>.
/// </summary>
internal sealed class TabularTokenPolicy : TensorAmortizedFamily<int, int[]>
{
    private readonly Tensor[] _tables;

    public TabularTokenPolicy(bool trainable = true, Tensor[]? values = null)
    {
        var v = BrainGfModels.Vocabulary;
        var shapes = new long[][] { [2, v], [2, v, v], [2, v, v] };
        _tables = shapes.Select((s, i) =>
            (values is null ? zeros(s, ScalarType.Float64) : values[i].detach().clone()).requires_grad_(trainable).DetachFromDisposeScope()).ToArray();
    }

    public override IReadOnlyList<Tensor> Parameters => _tables;

    public override Tensor LogProbWithGradient(IReadOnlyList<int> prompts, IReadOnlyList<int[]> outputs)
    {
        var n = SamplesPerPrompt(prompts.Count, outputs.Count);
        var x = tensor(Enumerable.Range(0, outputs.Count).Select(k => (long)prompts[k / n]).ToArray());
        Tensor Col(int t) => tensor(outputs.Select(y => (long)y[t]).ToArray());
        var (y0, y1, y2) = (Col(0), Col(1), Col(2));
        var start = nn.functional.log_softmax(_tables[0], -1);
        var t1 = nn.functional.log_softmax(_tables[1], -1);
        var t2 = nn.functional.log_softmax(_tables[2], -1);
        var lp = start.index(x, y0).Plus(t1.index(x, y0, y1)).Plus(t2.index(x, y1, y2));
        return lp.reshape(prompts.Count, n);
    }

    public override int[][] Sample(IReadOnlyList<int> prompts, int samplesPerPrompt, Rng rng)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var probs = _tables.Select(t => nn.functional.softmax(t, -1).to_type(ScalarType.Float64).contiguous()).ToArray();
        double[] Row(Tensor t, params long[] at) => t.index(at.Select(i => TensorIndex.Single(i)).ToArray()).data<double>().ToArray();
        var result = new int[prompts.Count * samplesPerPrompt][];
        for (var k = 0; k < result.Length; k++)
        {
            var x = prompts[k / samplesPerPrompt];
            var a = rng.DrawIndex(Row(probs[0], x));
            var b = rng.DrawIndex(Row(probs[1], x, a));
            var c = rng.DrawIndex(Row(probs[2], x, b));
            result[k] = [a, b, c];
        }
        return result;
    }

    public override IConditionalModel<int, int[]> Snapshot() => new TabularTokenPolicy(trainable: false, values: _tables);
}
