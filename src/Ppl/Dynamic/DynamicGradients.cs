using Ppl.Distributions;
using static TorchSharp.torch;

namespace Ppl.Dynamic;

/// <summary>
/// Gradients of a dynamic model's log density. Tensor-valued choices and trainable parameters get exact
/// gradients from TorchSharp autograd: the model is replayed with the trace's values, selected tensor
/// choices become leaves that require gradients, and the tensor part of the score is differentiated.
/// <para>
/// Choices of type <see cref="double"/> (and <c>double[]</c>) flow through the model's ordinary C#
/// arithmetic, which no tape sees; for them the gradient is computed numerically, by a Richardson-
/// extrapolated central difference of <c>Assess</c> (relative error around 1e-10 for smooth models).
/// Generated models replace this with exact reverse-mode differentiation.
/// </para>
/// </summary>
internal static class DynamicGradients
{
    public static ChoiceMap ChoiceGradients<TArgs, TRet>(DynamicModel<TArgs, TRet> model, DynamicTrace<TArgs, TRet> trace, Selection selection)
    {
        var choices = trace.Choices;
        var result = ChoiceMap.Empty;

        // Tensor choices: one autograd pass over the whole model.
        var tensorLeaves = new Dictionary<Address, Tensor>();
        var tracer = new GradientTracer(model.Parameters, choices, selection, Address.Root, tensorLeaves);
        model.RunBody(tracer, trace.Args);
        if (tensorLeaves.Count > 0 && tracer.ScoreTensor is { } score && score.requires_grad)
        {
            var leaves = tensorLeaves.ToList();
            var grads = autograd.grad(new[] { score }, leaves.Select(kv => kv.Value).ToArray(), allow_unused: true);
            for (var i = 0; i < leaves.Count; i++)
                result = result.Set(leaves[i].Key, grads[i] is { } g ? g.detach() : zeros_like(leaves[i].Value));
        }
        else
        {
            foreach (var (a, leaf) in tensorLeaves) result = result.Set(a, zeros_like(leaf));
        }

        // Scalar choices: numerical differentiation of Assess.
        foreach (var (address, value) in choices.Leaves)
        {
            if (!selection.Contains(address)) continue;
            switch (value)
            {
                case double x:
                    result = result.Set(address, NumericDerivative.AtChoice(v => model.Assess(trace.Args, choices.Set(address, v)).Weight, x, address));
                    break;
                case double[] xs:
                    var g = new double[xs.Length];
                    for (var i = 0; i < xs.Length; i++)
                    {
                        var k = i;
                        g[i] = NumericDerivative.AtChoice(v =>
                        {
                            var copy = (double[])xs.Clone();
                            copy[k] = v;
                            return model.Assess(trace.Args, choices.Set(address, copy)).Weight;
                        }, xs[i], address);
                    }
                    result = result.Set(address, g);
                    break;
            }
        }
        return result;
    }

    public static void AccumulateParameterGradients<TArgs, TRet>(DynamicModel<TArgs, TRet> model, DynamicTrace<TArgs, TRet> trace, double scale)
    {
        if (model.Parameters.Count == 0) return;
        var tracer = new GradientTracer(model.Parameters, trace.Choices, Selection.None, Address.Root, new Dictionary<Address, Tensor>());
        model.RunBody(tracer, trace.Args);
        if (tracer.ScoreTensor is { } score && score.requires_grad)
            score.Times(scale).backward();
    }

    /// <summary>Replays a trace's values, building the tensor part of the score on the autograd graph.</summary>
    private sealed class GradientTracer(ParameterStore parameters, ChoiceMap choices, Selection selection, Address prefix, Dictionary<Address, Tensor> leaves) : ITracer
    {
        public Tensor? ScoreTensor { get; private set; }

        public T Sample<T>(Address address, IDistribution<T> distribution)
        {
            if (!choices.TryGetValue(address, out var v))
                throw new ModelException($"Replaying for gradients: no value at '{prefix / address}'; the model's structure changed.", prefix / address);
            var value = ValueConversion.To<T>(v!, address);
            if (value is Tensor t && distribution is ITensorLogDensity td)
            {
                if (selection.Contains(address) && t.is_floating_point())
                {
                    var leaf = t.detach().requires_grad_(true);
                    leaves[prefix / address] = leaf;
                    value = (T)(object)leaf;
                    t = leaf;
                }
                Add(td.LogDensityTensor(t));
            }
            return value;
        }

        public void Observe<T>(Address address, IDistribution<T> distribution, T value)
        {
            if (value is Tensor t && distribution is ITensorLogDensity td) Add(td.LogDensityTensor(t));
        }

        public void Factor(double logWeight)
        {
        }

        public TSubRet Call<TSubArgs, TSubRet>(Address address, IGenerativeFunction<TSubArgs, TSubRet> function, TSubArgs args)
        {
            var sub = choices.GetSubmap(address);
            if (function is DynamicModel<TSubArgs, TSubRet> dm)
            {
                var inner = new GradientTracer(dm.Parameters, sub, selection.Sub(address), prefix / address, leaves);
                var r = dm.RunBody(inner, args);
                if (inner.ScoreTensor is { } s) Add(s);
                return r;
            }
            return function.Assess(args, sub).Return;
        }

        public Tensor Param(string name, Func<Tensor> init) => parameters.GetOrAdd(name, init);

        private void Add(Tensor logDensity) => ScoreTensor = ScoreTensor is null ? logDensity : ScoreTensor.Plus(logDensity);
    }
}
