-- Sales by product: quantity sold and revenue of each product.
INSERT INTO result_sales_by_product (
    run_id, product_id, product_name, quantity, revenue_cents
)
SELECT
    :run_id AS run_id,
    products.product_id,
    products.name AS product_name,
    sum(sales_by_product_store.quantity) AS quantity,
    sum(sales_by_product_store.revenue_cents) AS revenue_cents
FROM sales_by_product_store
INNER JOIN products ON sales_by_product_store.product_id = products.product_id
GROUP BY products.product_id, products.name;
