using Xunit;
using static TorchSharp.torch;
using TNormal = Ppl.Distributions.Tensors.Normal;

namespace Ppl.Tests.Dynamic;

/// <summary>Gradients with respect to tensor choices and trainable parameters, through TorchSharp autograd.</summary>
public class TensorGradientTests
{
    private static readonly Tensor Y = tensor(new[] { 0.5, -1.0, 2.0 }, dtype: ScalarType.Float64);

    private static DynamicModel<Unit, Tensor> MakeModel() => DynamicModel.Create("tensor-model", t =>
    {
        var mu = t.Param("mu", () => tensor(new[] { 0.1, 0.2, 0.3 }, dtype: ScalarType.Float64));
        var x = t.Sample("x", new TNormal(mu, ones(3, dtype: ScalarType.Float64)));
        t.Observe("y", new TNormal(x, TensorArithmetic.Full([3], 0.5, dtype: ScalarType.Float64)), Y);
        return x;
    });

    [Fact]
    public void ChoiceGradientOfATensorChoiceIsExact()
    {
        set_num_threads(1);
        var model = MakeModel();
        var trace = model.Simulate(Unit.Value, new Rng(3));
        var x = trace.Get<Tensor>("x");
        var mu = model.Parameters.All["mu"].detach();
        var expected = (-(x - mu)).Plus((Y - x).Over(0.25));
        var grad = model.ChoiceGradients(trace, Selection.All).Get<Tensor>("x");
        Assert.True(allclose(grad, expected, rtol: 1e-12, atol: 1e-12));
    }

    [Fact]
    public void ParameterGradientsAccumulateWithScale()
    {
        set_num_threads(1);
        var model = MakeModel();
        var trace = model.Simulate(Unit.Value, new Rng(4));
        var x = trace.Get<Tensor>("x");
        var mu = model.Parameters.All["mu"];
        model.AccumulateParameterGradients(trace, 2.0);
        Assert.True(allclose(mu.grad!, (x - mu.detach()).Times(2.0), rtol: 1e-12, atol: 1e-12));
        model.Parameters.ZeroGradients();
        Assert.Equal(0.0, mu.grad!.abs().sum().item<double>());
    }

    [Fact]
    public void ParametersSaveAndLoad()
    {
        set_num_threads(1);
        var model = MakeModel();
        model.Simulate(Unit.Value, new Rng(1));
        var path = Path.Combine(Path.GetTempPath(), $"ppl-params-{Guid.NewGuid():N}.bin");
        try
        {
            using (no_grad()) model.Parameters.All["mu"].AddInPlace(1.0);
            model.Parameters.Save(path);
            var fresh = MakeModel();
            fresh.Simulate(Unit.Value, new Rng(1));
            fresh.Parameters.Load(path);
            Assert.True(allclose(fresh.Parameters.All["mu"], tensor(new[] { 1.1, 1.2, 1.3 }, dtype: ScalarType.Float64)));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
