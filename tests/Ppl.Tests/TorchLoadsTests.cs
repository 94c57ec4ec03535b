using TorchSharp;
using Xunit;

namespace Ppl.Tests;

public class TorchLoadsTests
{
    [Fact]
    public void TorchSharpLoadsAndDifferentiates()
    {
        torch.set_num_threads(1);
        var x = torch.tensor(3.0, requires_grad: true);
        var y = x * x;
        y.backward();
        Assert.Equal(6.0, x.grad!.item<double>(), 12);
    }
}
