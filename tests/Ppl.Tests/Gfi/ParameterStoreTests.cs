using Xunit;
using static TorchSharp.torch;

namespace Ppl.Tests.Gfi;

/// <summary><see cref="ParameterStore.MoveTo"/>: parameters become new leaves on the device in the dtype asked for.</summary>
public class ParameterStoreTests
{
    public ParameterStoreTests() => set_num_threads(1);

    [Fact]
    public void Move_to_a_dtype_replaces_each_parameter_with_a_leaf_of_that_dtype_holding_its_value()
    {
        var store = new ParameterStore();
        var original = store.GetOrAdd("w", () => tensor(new[] { 0.1, -2.5, 3.0 }));
        store.GetOrAdd("b", () => tensor(0.7));
        store.MoveTo(CPU, ScalarType.Float32);
        var w = store.All["w"];
        Assert.Equal(ScalarType.Float32, w.dtype);
        Assert.Equal(ScalarType.Float32, store.All["b"].dtype);
        Assert.Equal(TorchSharp.DeviceType.CPU, w.device.type);
        Assert.True(w.is_leaf && w.requires_grad);
        Assert.Equal(new[] { 0.1f, -2.5f, 3.0f }, w.data<float>().ToArray());
        // Later Param calls get the moved tensor; the old one is left as it was (float64).
        Assert.Same(w, store.GetOrAdd("w", () => throw new InvalidOperationException("not created again")));
        Assert.Equal(ScalarType.Float64, original.dtype);
        // Nothing to do: the same tensors stay.
        store.MoveTo(CPU);
        Assert.Same(w, store.All["w"]);
        Assert.Throws<ArgumentException>(() => store.MoveTo(CPU, ScalarType.Int64));
    }
}
